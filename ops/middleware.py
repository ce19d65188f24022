"""One log line per request, and the request id on the request, the response and its tasks."""

import logging
import time

from ops import context

logger = logging.getLogger("casebook.request")


class RequestLogMiddleware:
    """First in MIDDLEWARE: binds the request id for everything below it, answers with it in
    ``X-Request-ID`` and logs the request's view, route, status and duration. The URL path and
    query are never logged (they can hold case slugs and search text)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.id = context.request_id_from(request.headers.get("X-Request-ID"))
        with context.bound(request_id=request.id):
            response = self.get_response(request)
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else None
            match = request.resolver_match
            with context.bound(user_id=user_id):
                logger.info(
                    "request",
                    extra={
                        "method": request.method,
                        "view": match.view_name if match else "",
                        "route": match.route if match else "",
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
        response["X-Request-ID"] = request.id
        return response
