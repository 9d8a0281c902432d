# gunicorn settings for voting-svc (read by `gunicorn -c gunicorn.conf.py 'voting_svc:create_app()'`).
import os

bind = f"{os.environ.get('BIND_HOST', '127.0.0.1')}:{os.environ.get('VOTING_PORT', '8003')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
# Threads wait on Redis and on Kafka's acknowledgement; more of them per process let one Kafka produce
# request carry several votes (8 measured best here: 4 left the producer sending one vote at a time).
threads = int(os.environ.get("WEB_THREADS", "8"))
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = None  # nginx keeps the access log; the app logs JSON
proc_name = "voting-svc"
# a request line up to 8 KB, as nginx allows (large_client_header_buffers): nginx answers longer ones itself
limit_request_line = 8190
