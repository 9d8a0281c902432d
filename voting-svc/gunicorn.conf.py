# gunicorn settings for voting-svc (read by `gunicorn -c gunicorn.conf.py 'voting_svc:create_app()'`).
import os

bind = f"{os.environ.get('BIND_HOST', '127.0.0.1')}:{os.environ.get('VOTING_PORT', '8003')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
# Threads wait on PostgreSQL and on Kafka's acknowledgement; more votes in flight per process let one claim
# statement and one Kafka produce request carry several of them. Measured on the 2-core machine at 32
# connections: 8 threads 634 votes/s at p99 111 ms, 12 threads 715/s at p99 88 ms, 16 threads 723/s at p99 103 ms.
threads = int(os.environ.get("WEB_THREADS", "12"))
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = None  # nginx keeps the access log; the app logs JSON
proc_name = "voting-svc"
# a request line up to 8 KB, as nginx allows (large_client_header_buffers): nginx answers longer ones itself
limit_request_line = 8190
