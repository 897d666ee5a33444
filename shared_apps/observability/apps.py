from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "shared_apps.observability"
    label = "observability"

    def ready(self) -> None:
        # Celery signals: every task's log lines carry its tenant and request id, and its runs are counted.
        from shared_apps.observability import celery_signals

        celery_signals.connect()
