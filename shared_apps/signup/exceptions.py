"""API errors of signup, each rendered in the one error shape by the shared exception handler."""

from rest_framework import exceptions, status


class EmailUnverified(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = (
        "Confirm your email address first: open the link we emailed you when the company was created. "
        "For a new link, POST your email to /api/signup/resend on the public site."
    )
    default_code = "email_unverified"
