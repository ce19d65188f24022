"""Liveness, readiness, and the error page for a database that went away."""

import sys

from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ops import readiness


@never_cache
@require_GET
def healthz(request):
    """The process answers: no database, no service, nothing that can be slow."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """Can this process serve traffic? 200 when every dependency answers, else 503. The body
    names each check and its state, never a version, a hostname or an error message."""
    report = readiness.check_all()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


def server_error(request):
    """handler500: a database that is down or restarting is a 503 with a retry hint, not an
    error page that blames the user. Rendered without a request context, which would query
    the database again."""
    _, exc, _ = sys.exc_info()
    if readiness.is_connection_error(exc):
        body = loader.render_to_string("503.html")
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
