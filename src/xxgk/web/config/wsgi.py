"""WSGI entry point: ``gunicorn xxgk.web.config.wsgi``."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xxgk.web.config.settings")
application = get_wsgi_application()
