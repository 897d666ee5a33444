"""The Celery app. Tenant-aware: a task queued from a tenant's request runs in that tenant's schema."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = CeleryApp("atrium")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_routes = {"mail.*": {"queue": "mail"}, "reports.*": {"queue": "reports"}}
app.autodiscover_tasks()
