"""WSGI entry point: ``gunicorn -c deploy/gunicorn.conf.py xxgk.web.config.wsgi`` (see ``docs/operations.md``).

The application servers are stateless: sessions and job state are in the database, uploads are stored in the
database (or under the shared ``XXGK_MEDIA_ROOT``), static files are served by WhiteNoise from ``STATIC_ROOT``.
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xxgk.web.config.settings")
application = get_wsgi_application()
