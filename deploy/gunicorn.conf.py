"""gunicorn for coop: `gunicorn --config deploy/gunicorn.conf.py wsgi:app`.

Each request is logged by coop itself as one JSON line on stdout (request id, user, duration),
so gunicorn's own access log stays off; its error log goes to stderr.
"""

import os

bind = os.environ.get("COOP_BIND", "0.0.0.0:8000")
# WEB_CONCURRENCY is gunicorn's own setting for the number of workers; two per core is usual
workers = int(os.environ.get("WEB_CONCURRENCY", 2))
threads = int(os.environ.get("COOP_THREADS", 1))
timeout = int(os.environ.get("COOP_TIMEOUT", 60))
graceful_timeout = 30
accesslog = None
errorlog = "-"
loglevel = os.environ.get("COOP_LOG_LEVEL", "info")
# behind the town's reverse proxy: TRUSTED_PROXIES (coop's setting) says how many to believe
forwarded_allow_ips = "*" if int(os.environ.get("TRUSTED_PROXIES", 0)) > 0 else "127.0.0.1"
