"""The RQ worker the Redis task queue runs (``RQ["WORKER_CLASS"]``): RQ's own, made to ride
out a Redis outage instead of quitting.

RQ's worker retries only its wait for the next job. Anything else that meets a Redis that is
restarting (a heartbeat while a job runs, the job's result, the scheduler's lock) raises: the
worker logs "found an unhandled exception, quitting" and exits, and the scheduler process (the
one that runs retries after their backoff) dies and is started again only at the next
maintenance, ten minutes later by default. So every Redis command of the worker, of its
scheduler and of the tasks it runs retries with backoff for about a minute (a restart, a
failover, an append-only file loading), and maintenance comes every minute, which brings back
a scheduler that a longer outage killed. A worker that still gives up exits, and the process
supervisor starts it again (docs/deployment.md).

Web processes keep their fail-fast connection: a request must not wait a minute for Redis.
"""

from redis.backoff import ExponentialBackoff
from redis.exceptions import BusyLoadingError, ConnectionError, TimeoutError
from redis.retry import Retry
from rq.worker import Worker as RQWorker

#: Retries of one Redis command: 0.5, 1, 2, 4 s, then every 5 s; about a minute in all.
OUTAGE_RETRIES = 15
#: Seconds between maintenance runs, which restart a dead scheduler (RQ's default is 600).
MAINTENANCE_INTERVAL = 60


def outage_retry() -> Retry:
    return Retry(
        ExponentialBackoff(cap=5, base=0.5),
        OUTAGE_RETRIES,
        supported_errors=(ConnectionError, TimeoutError, BusyLoadingError),
    )


class Worker(RQWorker):
    def __init__(self, queues, *args, **kwargs):
        kwargs.setdefault("maintenance_interval", MAINTENANCE_INTERVAL)
        super().__init__(queues, *args, **kwargs)
        # The queues share this connection's pool; the scheduler process copies its settings.
        self.connection.connection_pool.set_retry(outage_retry())
        _tasks_connections_retry()


def _tasks_connections_retry() -> None:
    """Give the same retry to every connection django-rq opens later in this process: a task
    that enqueues (its own retry after a backoff, the index updates of what it saved) gets a
    new connection from django-rq each time, with redis-py's few seconds of retries only."""
    from django_rq import queues

    if getattr(queues.get_connection, "rides_out_outages", False):
        return
    connect = queues.get_connection

    def get_connection(*args, **kwargs):
        connection = connect(*args, **kwargs)
        connection.connection_pool.set_retry(outage_retry())
        return connection

    get_connection.rides_out_outages = True
    queues.get_connection = get_connection
