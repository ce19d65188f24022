"""The shared cache on Redis, failing open.

Everything Casebook keeps in the cache can be recomputed or forgone for a while: related
cases, synonym lists, the home page's shared sections, rate-limit counters. So when Redis is
away (stopped, restarting, loading its append-only file), a cache call logs a warning and
answers as a miss instead of failing the page: the load benchmark showed every page that read
the cache answering 500 while Redis was down. Rate limits are not enforced during the outage.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: Connection trouble, including BusyLoadingError (a subclass of ConnectionError).
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


def _fail_open(name, fallback):
    method = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNAVAILABLE as error:
            logger.warning(
                "cache unavailable (%s), %s answered as a miss", type(error).__name__, name
            )
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    call.__name__ = name
    call.__doc__ = method.__doc__
    return call


def _default(key, default=None, *args, **kwargs):
    return default


def _delta(key, delta=1, *args, **kwargs):
    return delta  # a counter that starts again: never over a limit


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache, answering as a miss while Redis cannot be reached."""

    get = _fail_open("get", _default)
    get_many = _fail_open("get_many", {})
    has_key = _fail_open("has_key", False)
    add = _fail_open("add", True)
    set = _fail_open("set", None)
    set_many = _fail_open("set_many", [])
    touch = _fail_open("touch", False)
    incr = _fail_open("incr", _delta)
    delete = _fail_open("delete", False)
    delete_many = _fail_open("delete_many", None)
    clear = _fail_open("clear", None)
