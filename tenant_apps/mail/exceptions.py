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


class OAuthConnectError(exceptions.APIException):
    """A connect with OAuth2 that could not go on; the code says why (oauth_state_used, oauth_denied, ...)."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    default_detail = "Connecting the mailbox failed."
    default_code = "oauth_error"

    def __init__(self, *, code: str, message: str, status_code: int) -> None:
        super().__init__(detail=message, code=code)
        self.status_code = status_code
