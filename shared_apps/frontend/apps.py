from django.apps import AppConfig


class FrontendConfig(AppConfig):
    name = "shared_apps.frontend"
    label = "frontend"
