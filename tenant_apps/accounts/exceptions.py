"""API errors of the accounts app, each rendered in the one error shape by the shared exception handler."""

from rest_framework import exceptions, status

from shared_apps.common.exceptions import RequestTooLarge


class InvalidCredentials(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The email or password is wrong."
    default_code = "invalid_credentials"


class RateLimited(exceptions.Throttled):
    default_detail = "Too many failed sign-in attempts; please wait before trying again."
    default_code = "rate_limited"


class CsrfFailed(exceptions.PermissionDenied):
    default_detail = "CSRF check failed; reload the page and try again."
    default_code = "csrf_failed"


class LogoTooLarge(RequestTooLarge):
    default_detail = "The logo is larger than allowed."
