# gunicorn settings for identity-svc (read by `gunicorn -c gunicorn.conf.py 'identity_svc:create_app()'`).
import os

bind = f"{os.environ.get('BIND_HOST', '127.0.0.1')}:{os.environ.get('IDENTITY_PORT', '8001')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = None  # nginx keeps the access log; the app logs JSON
proc_name = "identity-svc"
# a request line up to 8 KB, as nginx allows (large_client_header_buffers): nginx answers longer ones itself
limit_request_line = 8190
