"""gunicorn settings for one app host: `gunicorn -c deploy/gunicorn.conf.py app:server` (systemd: mmc-web.service).

Each setting can be changed by the environment without editing this file (the systemd unit's EnvironmentFile)."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8050")  # nginx on the same host, or the host's private address
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))  # processes: about one per core
threads = int(os.environ.get("THREADS", "4"))  # a page asks for its parts in parallel
timeout = int(os.environ.get("TIMEOUT", "120"))  # the longest answer (a 10 million record export) before a restart
graceful_timeout = 30  # on a deploy, answers under way are finished before the worker stops
keepalive = 30  # longer than a reader's pause between filter changes (gunicorn's 2 s closes it under them)
max_requests = 20_000  # a worker is replaced now and then (memory held by a rare, large answer is given back)
max_requests_jitter = 2_000  # (not all at once)
# gunicorn's control socket (gunicornc) is one file per user: two instances on one host would take it from each other
control_socket_disable = True
accesslog = "-"
errorlog = "-"
# Not preloaded: each worker opens its own database connections and reads the data into its own memory.
preload_app = False
