"""gunicorn settings for TradeHub: `gunicorn -c deploy/gunicorn.conf.py 'tradehub:create_app()'`.

Read from the environment (docs/deploy.md): BIND (127.0.0.1:8000), WEB_CONCURRENCY (worker
processes, 2), GUNICORN_THREADS (threads per worker, 4), GUNICORN_TIMEOUT (seconds, 30),
GUNICORN_KEEPALIVE (seconds an idle connection stays open, 5), GUNICORN_CONTROL_SOCKET
(gunicornc's socket; default one per bind address under the system temporary folder),
PROMETHEUS_MULTIPROC_DIR (metrics shared by the workers; default a folder per bind address
under the system temporary folder, emptied at start), and the app's own settings.

This file imports nothing from TradeHub at the top: prometheus-client must see
PROMETHEUS_MULTIPROC_DIR before it is first imported, so every worker writes its samples where
/metrics (answered by any worker) reads them all.
"""

import os
import shutil
import tempfile

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Seconds an idle keep-alive connection stays open. A client (nginx's upstream pool, or a
# direct client) that reuses a connection just as the worker closes it gets "connection reset":
# keep it longer than the clients wait between requests (nginx.conf closes its idle upstream
# connections after 4 s for that reason).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
graceful_timeout = 30
# The app writes one log line per request (with its request id), so no separate access log.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%(p)s %(h)s "%(r)s" %(s)s %(M)sms'
errorlog = "-"

_bind_name = bind.replace(":", "-").replace("/", "-")
_default_metrics_dir = os.path.join(tempfile.gettempdir(), "tradehub-metrics-" + _bind_name)
# gunicorn 25.1+ opens a control socket for `gunicornc`, by default one path per user
# (~/.gunicorn/gunicorn.ctl): a second gunicorn on the machine (a trial beside a test run)
# would take it over, and the first to stop would delete the other's. One per bind address.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or os.path.join(
    tempfile.gettempdir(), f"tradehub-gunicorn-{_bind_name}.ctl"
)
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", _default_metrics_dir)
# WEB_CONCURRENCY tells the app how many processes share the rate limits (its own check).
os.environ.setdefault("WEB_CONCURRENCY", str(workers))

# Only now, with the folder named: prometheus-client picks multiprocess mode at import.
from prometheus_client import multiprocess  # noqa: E402

if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
    # gunicorn's own lines (boot, worker exits) as JSON too.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "tradehub.deployment.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }


def on_starting(server):
    """Empty the metrics folder; refuse per-process rate limits with several workers."""
    metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(metrics_dir, ignore_errors=True)
    os.makedirs(metrics_dir, exist_ok=True)

    storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    count = server.cfg.workers
    if count > 1 and storage.startswith("memory://"):
        message = (
            f"RATELIMIT_STORAGE_URI is {storage!r} with {count} workers: each worker keeps its "
            "own counts, so every rate limit is that many times looser. Set "
            "RATELIMIT_STORAGE_URI=redis://HOST:PORT/0 (docs/deploy.md)."
        )
        if os.environ.get("TRADEHUB_ENV") == "production":
            server.log.error("Refusing to start: %s", message)
            raise SystemExit(1)
        server.log.warning("%s (allowed outside production)", message)


def child_exit(server, worker):
    """A finished worker's live gauges leave the merged metrics."""
    multiprocess.mark_process_dead(worker.pid)
