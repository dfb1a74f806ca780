"""Health and readiness endpoints for load balancers and monitoring (public, no private data).

* ``/healthz/`` — the process answers (no database, no session): 200 ``{"status": "ok"}``.
* ``/readyz/`` — the process can serve: database, migrations, broker, shared storage, static files; 200 when all
  pass, 503 otherwise, with the result of each check.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from xxgk.web.ops.checks import readiness


@never_cache
@require_safe
def healthz_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz_view(request: HttpRequest) -> JsonResponse:
    checks = readiness()
    ok = all(c.ok for c in checks)
    return JsonResponse(
        {"status": "ok" if ok else "fail", "checks": {c.name: c.to_dict() for c in checks}},
        status=200 if ok else 503,
        json_dumps_params={"ensure_ascii": False},
    )
