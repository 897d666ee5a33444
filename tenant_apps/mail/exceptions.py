"""API errors of the mail app, rendered in the one error shape."""

from rest_framework import exceptions, status


class CredentialsRefusedError(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The mail server refused the credentials."
    default_code = "credentials_refused"


class MailServerUnavailable(exceptions.APIException):
    # Not a 5xx: our server is fine, the customer's mail server is not; the account status says more.
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The mail server could not be used."
    default_code = "mail_server_error"


class LabelsUnsupportedError(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Labels can only be changed on messages of a Gmail account."
    default_code = "labels_unsupported"
