"""Host-based routing: tenant hosts, the public host, unknown and forged hosts."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from shared_apps.common.testing import TestTenant, api_client
from tenants.routing import host_cache_forget


def test_unknown_subdomain_gets_json_404(db):
    response = api_client("nobody-here.localhost").get("/healthz")

    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "unknown_host", "message": "No company is found at this address.", "fields": {}}
    }


def test_host_outside_base_domain_gets_json_404(db):
    response = api_client("evil.example.org").get("/api/schema/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_host"


def test_tenant_host_is_routed_to_its_schema(acme: TestTenant):
    response = api_client(acme.hostname).get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_host_lookup_is_cached_and_costs_no_query(acme: TestTenant):
    host_cache_forget(acme.hostname)
    client = api_client(acme.hostname)
    client.get("/api/nothing-here")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/nothing-here")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert [q["sql"] for q in queries.captured_queries if "tenants_domain" in q["sql"]] == []


def test_host_header_with_port_and_case_is_routed(acme: TestTenant):
    response = api_client(acme.hostname.upper() + ":8000").get("/healthz")

    assert response.status_code == 200


def test_x_forwarded_host_from_client_is_ignored(acme: TestTenant, globex: TestTenant):
    client = api_client(acme.hostname)

    response = client.get("/api/nothing-here", HTTP_X_FORWARDED_HOST=globex.hostname)

    assert response.status_code == 404
    assert response.wsgi_request.tenant.schema_name == acme.schema_name


def test_public_host_serves_public_urls(public_client):
    response = public_client.get("/api/schema/")

    assert response.status_code == 200
    assert response.wsgi_request.tenant is None


def test_subdomain_availability_on_public_host(public_client):
    free = public_client.get("/api/subdomains/availability", {"subdomain": " Free-Name "})
    taken = public_client.get("/api/subdomains/availability", {"subdomain": "acme"})
    reserved = public_client.get("/api/subdomains/availability", {"subdomain": "www"})
    missing = public_client.get("/api/subdomains/availability")

    assert free.status_code == 200
    assert free.json() == {
        "subdomain": "free-name",
        "hostname": "free-name.localhost",
        "available": True,
        "reasons": [],
    }
    assert taken.json() == {
        "subdomain": "acme",
        "hostname": None,
        "available": False,
        "reasons": ["'acme' is already taken."],
    }
    assert reserved.json()["reasons"] == ["'www' is reserved; please choose another subdomain."]
    assert missing.status_code == 400
    assert missing.json()["error"]["fields"] == {"subdomain": ["This field is required."]}


def test_subdomain_availability_is_not_served_on_tenant_hosts(acme_client):
    response = acme_client.get("/api/subdomains/availability", {"subdomain": "free-name"})

    assert response.status_code == 404
