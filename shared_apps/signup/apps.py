from django.apps import AppConfig


class SignupConfig(AppConfig):
    name = "shared_apps.signup"
    label = "signup"
    verbose_name = "Signup"
    default_auto_field = "django.db.models.BigAutoField"
