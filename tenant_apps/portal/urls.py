"""Routes of the portal API, mounted under /api/ on every company host."""

from django.urls import path

from tenant_apps.portal import api

urlpatterns = [
    path("dashboard", api.DashboardView.as_view(), name="portal-dashboard"),
    path("search", api.SearchView.as_view(), name="portal-search"),
    path("notifications", api.NotificationListView.as_view(), name="portal-notifications"),
    path("notifications/seen", api.NotificationSeenView.as_view(), name="portal-notifications-seen"),
]
