# gunicorn settings for glos-web (read by `gunicorn -c gunicorn.conf.py 'glos_web:create_app()'`).
import os

bind = f"{os.environ.get('BIND_HOST', '127.0.0.1')}:{os.environ.get('WEB_PORT', '8005')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
# A page waits on one or more API calls; threads keep a process busy while it waits.
threads = int(os.environ.get("WEB_THREADS", "8"))
timeout = 30
graceful_timeout = 20
keepalive = 5  # longer than nginx's upstream keepalive_timeout (4 s): nginx drops idle connections first
accesslog = None  # nginx keeps the access log
proc_name = "glos-web"
# a request line up to 8 KB, as nginx allows (large_client_header_buffers): nginx answers longer ones itself
limit_request_line = 8190
