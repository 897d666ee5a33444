"""Every request gets a request id and one access line naming its tenant and user; /metrics counts it."""

from __future__ import annotations

import re

from prometheus_client import REGISTRY

from shared_apps.common.testing import TEST_PASSWORD, api_client
from tenant_apps.accounts.models import User
from tenants.db import connection


def _signed_in(tenant):
    client = api_client(tenant.hostname)
    response = client.post("/api/auth/login", {"email": tenant.owner_email, "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 200
    return client


def _owner_id(tenant) -> int:
    connection.set_schema(tenant.schema_name)
    try:
        return User.objects.get(email=tenant.owner_email).pk
    finally:
        connection.set_schema_to_public()


def test_request_id_from_the_caller_is_kept_and_returned(acme_client):
    response = acme_client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.1")

    assert response["X-Request-ID"] == "lb-7f3a.1"


def test_a_malformed_request_id_is_replaced(acme_client):
    response = acme_client.get("/healthz", HTTP_X_REQUEST_ID="two words\tand a tab")

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_access_line_names_request_tenant_and_user(acme, json_lines):
    client = _signed_in(acme)
    json_lines.lines.clear()

    response = client.get("/api/users", HTTP_X_REQUEST_ID="req-users-1")

    assert response.status_code == 200
    (line,) = json_lines.lines
    assert line["logger"] == "atrium.access"
    assert line["message"] == "GET /api/users 200"
    assert line["request_id"] == "req-users-1"
    assert line["tenant_schema"] == acme.schema_name
    assert line["user_id"] == _owner_id(acme)
    assert line["route"] == "/api/users"
    assert line["status"] == 200
    assert line["level"] == "INFO"


def test_access_line_of_an_anonymous_public_request(public_client, json_lines):
    public_client.get("/healthz", HTTP_X_REQUEST_ID="pub-1")

    (line,) = json_lines.lines
    assert (line["request_id"], line["tenant_schema"], line["user_id"]) == ("pub-1", "public", None)


def test_unknown_host_is_logged_and_counted_without_a_route(db, json_lines):
    before = REGISTRY.get_sample_value(
        "atrium_http_requests_total", {"method": "GET", "route": "<unrouted>", "status": "404"}
    )

    api_client("nobody-here.localhost").get("/healthz")

    after = REGISTRY.get_sample_value(
        "atrium_http_requests_total", {"method": "GET", "route": "<unrouted>", "status": "404"}
    )
    assert after == (before or 0) + 1
    assert json_lines.lines[-1]["message"] == "GET /healthz 404"


def test_metrics_count_requests_by_route_status_and_tenant(acme, globex, public_client, settings):
    settings.METRICS_TOKEN = "metrics-token-for-tests"
    client = _signed_in(acme)
    api_client(globex.hostname).get("/api/users")  # 401 without a session

    client.get("/api/users")
    response = public_client.get("/metrics", HTTP_AUTHORIZATION="Bearer metrics-token-for-tests")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert f'atrium_tenant_requests_total{{tenant="{acme.schema_name}"}}' in body
    assert f'atrium_tenant_requests_total{{tenant="{globex.schema_name}"}}' in body
    assert 'atrium_http_requests_total{method="GET",route="/api/users",status="200"}' in body
    assert 'atrium_http_requests_total{method="GET",route="/api/users",status="401"}' in body
    assert 'atrium_http_request_duration_seconds_bucket{le="0.5",method="GET",route="/api/users"}' in body
    assert "atrium_celery_tasks_total" in body
    assert "atrium_mail_sync_lag_seconds" in body


def test_metrics_refuse_a_missing_or_wrong_token(public_client, settings):
    settings.METRICS_TOKEN = "metrics-token-for-tests"

    missing = public_client.get("/metrics")
    wrong = public_client.get("/metrics", HTTP_AUTHORIZATION="Bearer metrics-token-for-test")

    for response in (missing, wrong):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
        assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
        assert b"atrium_http_requests_total" not in response.content


def test_metrics_do_not_exist_without_a_token(public_client, settings):
    settings.METRICS_TOKEN = ""

    response = public_client.get("/metrics", HTTP_AUTHORIZATION="Bearer ")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_metrics_answer_on_the_address_prometheus_scrapes(db, settings):
    settings.METRICS_TOKEN = "metrics-token-for-tests"
    # The container's own address is no company's host and not in ALLOWED_HOSTS.
    scraper = api_client("10.0.0.7:8000")

    response = scraper.get("/metrics", HTTP_AUTHORIZATION="Bearer metrics-token-for-tests")
    refused = scraper.get("/metrics")

    assert response.status_code == 200
    assert b"atrium_http_requests_total" in response.content
    assert refused.status_code == 401


def test_a_worker_process_serves_its_own_metrics(tmp_path, monkeypatch):
    import socket
    import urllib.request

    from shared_apps.observability import metrics

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")
    metrics.celery_tasks.labels(task="tests.exported", outcome="success").inc()

    metrics.metrics_server_start(port)
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()  # noqa: S310

    assert 'atrium_celery_tasks_total{outcome="success",task="tests.exported"}' in body
