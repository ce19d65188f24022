"""Every API error is JSON ``{"error": "<message for people>"}``, never an HTML page or a 500.

The services' own refusals map to their statuses: ``ValidationError`` 400,
``PermissionDenied`` 403, ``Http404`` 404, ``discussion.services.Conflict`` 409,
``discussion.limits.RateLimited`` 429. Invalid request fields add
``"fields": {"name": ["message", ...]}``. A post held for a possible patient identifier
(``discussion.text.PossibleIdentifiers``) adds ``"findings"``: each with ``field``, ``kind``,
``start``, ``end``, ``text`` and the ``key`` to send in ``not_identifiers`` when it is not one.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from discussion.limits import RateLimited
from discussion.services import Conflict


class BadRequest(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The request is not valid."


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "That clashes with the current state."


class TooManyRequests(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = "Too many requests. Please wait a while."


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, Conflict):
        return ConflictError(exc.message)
    if isinstance(exc, RateLimited):
        return TooManyRequests(exc.message)
    if isinstance(exc, DjangoValidationError):
        return BadRequest(" ".join(exc.messages))
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) or "Not found.")
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or "You may not do that.")
    return exc


def exception_handler(exc, context):
    """DRF's handler (status, ``WWW-Authenticate``, rollback) with our body."""
    findings = getattr(exc, "findings", None)
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = error_body(exc.detail)
        if findings:
            response.data["findings"] = [_finding(finding) for finding in findings]
    return response


def _finding(finding) -> dict:
    return {
        "field": finding.field,
        "kind": finding.kind,
        "start": finding.start,
        "end": finding.end,
        "text": finding.text,
        "key": finding.key,
    }


def error_body(detail) -> dict:
    if isinstance(detail, dict):
        fields = {name: _messages(value) for name, value in detail.items()}
        general = fields.pop("non_field_errors", [])
        first = (
            general[:1]
            or [f"{name}: {messages[0]}" for name, messages in fields.items() if messages][:1]
        )
        body = {"error": first[0] if first else "The request is not valid."}
        if fields:
            body["fields"] = fields
        return body
    if isinstance(detail, list):
        return {"error": " ".join(_messages(detail)) or "The request is not valid."}
    return {"error": str(detail)}


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [f"{key}: {m}" for key, item in value.items() for m in _messages(item)]
    if isinstance(value, list):
        return [m for item in value for m in _messages(item)]
    return [str(value)]


@csrf_exempt  # it changes nothing; a POST to a wrong address should learn that, not about CSRF
def not_found(request, path: str = ""):
    """Unknown addresses under /api/v1/ answer in JSON, with a hint for a missing slash."""
    message = "There is no API endpoint at this address."
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            message += " API addresses end with a slash."
    return JsonResponse({"error": message}, status=404)
