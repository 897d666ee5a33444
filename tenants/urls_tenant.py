"""Routes of the tenancy layer on a company's host, mounted under /api/."""

from django.urls import path

from tenants.api_custom_domains import CustomDomainDetailView, CustomDomainListView, CustomDomainVerifyView

urlpatterns = [
    path("domains", CustomDomainListView.as_view(), name="custom-domain-list"),
    path("domains/<int:domain_id>", CustomDomainDetailView.as_view(), name="custom-domain-detail"),
    path("domains/<int:domain_id>/verify", CustomDomainVerifyView.as_view(), name="custom-domain-verify"),
]
