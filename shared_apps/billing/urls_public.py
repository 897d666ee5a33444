"""Billing routes on the public host, under /api/."""

from django.urls import path

from shared_apps.billing import api

urlpatterns = [
    path("plans", api.PlanListView.as_view(), name="plan-list"),
    path("billing/stripe-webhook", api.StripeWebhookView.as_view(), name="stripe-webhook"),
]
