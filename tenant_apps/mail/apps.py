from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "tenant_apps.mail"
    label = "mail"
    verbose_name = "Mail"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Providers with their own way of writing register their writer class (imap/writer.py).
        from tenant_apps.mail.imap import gmail_writer  # noqa: F401
