"""Routes of the audit API, mounted under /api/ on every company host."""

from django.urls import path

from tenant_apps.audit import api

urlpatterns = [
    path("audit-events", api.AuditEventListView.as_view(), name="audit-event-list"),
]
