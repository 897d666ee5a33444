"""Signup routes on the public host, under /api/."""

from django.urls import path

from shared_apps.signup import api

urlpatterns = [
    path("signup", api.SignupView.as_view(), name="signup"),
    path("signup/verify", api.SignupVerifyView.as_view(), name="signup-verify"),
    path("signup/resend", api.SignupResendView.as_view(), name="signup-resend"),
]
