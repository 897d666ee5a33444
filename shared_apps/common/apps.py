from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "shared_apps.common"
    label = "common"
