"""gunicorn settings for xxgk: ``gunicorn -c deploy/gunicorn.conf.py xxgk.web.config.wsgi``.

Every value can be changed from the environment (``GUNICORN_BIND``, ``GUNICORN_WORKERS``, ``GUNICORN_THREADS``,
``GUNICORN_TIMEOUT``, ``GUNICORN_ACCESS_LOG``) or on the command line. The application servers are stateless, so
any number of them can run behind the reverse proxy / load balancer (see docs/operations.md).
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
#: Sync workers: (2 x cores) + 1 is gunicorn's rule of thumb; each holds one database connection per thread.
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
#: Uploads of a batch check (up to XXGK_JOBS_MAX_UPLOAD_MB) must fit; long work runs as background jobs.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
#: Recycle workers now and then (a slow leak in a parser library cannot grow forever).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
#: The proxy on this host or the load balancer sets X-Forwarded-*; trust only it (XXGK_BEHIND_PROXY=1 too).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
#: xxgk writes its own access log line per request (with the request id) when XXGK_ACCESS_LOG / JSON logs are on;
#: set GUNICORN_ACCESS_LOG=- to have gunicorn's as well.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "xxgk"
#: Temporary upload buffers in memory rather than on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: PTH112 - gunicorn config is plain
