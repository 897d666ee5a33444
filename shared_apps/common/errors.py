"""The one error shape of every 4xx and 5xx: {"error": {"code": ..., "message": ..., "fields": {...}}}."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from shared_apps.common.exceptions import RequestTooLarge

logger = logging.getLogger(__name__)

FieldErrors = dict[str, list[str]]


def error_body(code: str, message: str, fields: FieldErrors | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def error_response(status_code: int, code: str, message: str, fields: FieldErrors | None = None) -> JsonResponse:
    return JsonResponse(error_body(code, message, fields), status=status_code)


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _flatten(value)]
    if isinstance(detail, list | tuple):
        return [message for item in detail for message in _flatten(item)]
    return [str(detail)]


def _field_errors(detail: Any, prefix: str = "") -> FieldErrors:
    """Nested serializer errors as {"field": [...], "items.0.name": [...]}."""
    fields: FieldErrors = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                fields.update(_field_errors(value, name))
            elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
                for index, item in enumerate(value):
                    fields.update(_field_errors(item, f"{name}.{index}"))
            else:
                fields[name] = _flatten(value)
    elif detail:
        fields["non_field_errors"] = _flatten(detail)
    return fields


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        # DRF reads request.body before a JSON parser runs, so Django's own size check fires first.
        exc = RequestTooLarge()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # handled by Django's 500 handler, which answers in the same shape
    if isinstance(exc, exceptions.ValidationError):
        fields = _field_errors(exc.detail)
        non_field = fields.get("non_field_errors")
        message = non_field[0] if non_field and len(fields) == 1 else "The request has invalid fields."
        response.data = error_body("invalid", message, fields)
        return response
    if not isinstance(exc, exceptions.APIException):
        return response
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    message = " ".join(_flatten(exc.detail)) or str(exc.default_detail)
    response.data = error_body(str(code), message)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_response(403, "csrf_failed", "CSRF check failed; reload the page and try again.")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(404, "not_found", "Nothing is found at this address.")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(400, "bad_request", "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(403, "permission_denied", "You do not have permission to do this.")


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(500, "server_error", "Something went wrong on our side; it has been logged.")
