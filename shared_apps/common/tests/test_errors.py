"""Every error, from routing to server failure, comes in the one shape."""

from __future__ import annotations

from django.test import RequestFactory

from shared_apps.common.errors import csrf_failure, server_error


def test_unknown_path_on_tenant_host_is_json_404(acme_client):
    response = acme_client.get("/no/such/page")

    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "Nothing is found at this address.", "fields": {}}
    }


def test_unknown_path_on_public_host_is_json_404(public_client):
    response = public_client.post("/api/nothing", data="{}", content_type="application/json")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_server_error_and_csrf_failure_use_the_shape():
    request = RequestFactory().get("/")

    crashed = server_error(request)
    refused = csrf_failure(request, reason="CSRF token missing")

    assert crashed.status_code == 500
    assert crashed.content == (
        b'{"error": {"code": "server_error", "message": "Something went wrong on our side; it has been logged.", '
        b'"fields": {}}}'
    )
    assert refused.status_code == 403
    assert b'"code": "csrf_failed"' in refused.content
