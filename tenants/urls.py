from django.urls import path

from tenants.api import SubdomainAvailabilityView

urlpatterns = [
    path("subdomains/availability", SubdomainAvailabilityView.as_view(), name="subdomain-availability"),
]
