from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "shared_apps.operations"
    label = "operations"
