"""API errors of billing, each rendered in the one error shape by the shared exception handler."""

from rest_framework import exceptions, status


class PlanLimitReached(exceptions.APIException):
    status_code = status.HTTP_402_PAYMENT_REQUIRED
    default_detail = "Your plan's limit is reached."
    default_code = "plan_limit"


class BillingNotConfigured(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Billing is not enabled on this installation; every company has the unlimited plan."
    default_code = "billing_disabled"


class InvalidWebhook(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The webhook's signature or payload is invalid."
    default_code = "invalid_signature"


class StripeUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Stripe could not be reached; try again shortly."
    default_code = "stripe_unavailable"
