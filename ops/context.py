"""Who and what the current log lines are about: the request id, the user id, the task.

Held in context variables so that every log record of a request (or of a task) carries them
without passing them around. A request id arrives from the proxy (``X-Request-ID``) or is made
here; tasks enqueued during a request receive it as their ``request_id`` argument.
"""

import contextlib
import re
import uuid
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="")
user_id: ContextVar[int | None] = ContextVar("user_id", default=None)
task_name: ContextVar[str] = ContextVar("task_name", default="")

# A proxy's id is kept only if it is short and plain: it ends up in every log line.
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_from(header: str | None) -> str:
    """The proxy's request id if it is acceptable, else a new random one."""
    if header and _ACCEPTABLE_ID.match(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str:
    return request_id.get()


@contextlib.contextmanager
def bound(**values):
    """Set context variables (``request_id``, ``user_id``, ``task_name``) for a block."""
    variables = {"request_id": request_id, "user_id": user_id, "task_name": task_name}
    tokens = [(variables[name], variables[name].set(value)) for name, value in values.items()]
    try:
        yield
    finally:
        for variable, token in reversed(tokens):
            variable.reset(token)
