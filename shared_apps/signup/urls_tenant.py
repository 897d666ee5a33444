"""Signup's route on a company's host, under /api/: redeem the one-time login."""

from django.urls import path

from shared_apps.signup import api

urlpatterns = [
    path("auth/handoff", api.LoginHandoffView.as_view(), name="auth-handoff"),
]
