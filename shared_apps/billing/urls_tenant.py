"""Billing routes on a company's host, under /api/."""

from django.urls import path

from shared_apps.billing import api

urlpatterns = [
    path("billing", api.BillingStateView.as_view(), name="billing-state"),
    path("billing/checkout", api.CheckoutView.as_view(), name="billing-checkout"),
    path("billing/portal", api.PortalView.as_view(), name="billing-portal"),
]
