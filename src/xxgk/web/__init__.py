"""The Django web application (the only package of xxgk that imports Django).

Apps: ``tenancy`` (bodies, memberships, access selectors), ``audit`` (append-only audit trail),
``workcalendar`` (the editable working-day calendar), ``cases`` (依申请公开 applications).
Business logic lives in ``services.py`` (writes) and ``selectors.py`` (reads) of each app; views are thin.
"""
