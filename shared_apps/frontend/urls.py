"""The catch-all route that serves the frontend; include it last, after every API and health route."""

from django.urls import re_path

from shared_apps.frontend.views import frontend_file

# Paths that always belong to Django's own views, even when nothing there matches.
RESERVED = r"api/|admin/|media/|static/|healthz$|readyz$|metrics$"

urlpatterns = [
    re_path(rf"^(?!{RESERVED})(?P<path>.*)$", frontend_file, name="frontend"),
]
