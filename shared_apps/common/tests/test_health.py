"""/healthz reports PostgreSQL, Redis and the Celery broker, and says which one is down."""

from __future__ import annotations

import pytest

from config.celery import app

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.mark.parametrize("host_fixture", ["public_client", "acme_client"])
def test_healthz_is_ok_when_every_peer_answers(request, host_fixture):
    client = request.getfixturevalue(host_fixture)

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] for check in body["checks"].values())


def test_healthz_names_the_cache_that_is_down(public_client, settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS, "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1}}
    }

    response = public_client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"]["ok"] is False
    assert "Connection" in body["checks"]["cache"]["error"]
    assert body["checks"]["database"]["ok"] is True
    assert body["error"]["code"] == "unhealthy"


def test_healthz_names_the_broker_that_is_down(public_client, monkeypatch):
    monkeypatch.setattr(app.conf, "broker_url", DEAD_REDIS)

    response = public_client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["cache"]["ok"] is True


def test_tenant_host_still_routes_with_redis_down(acme_client, settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS, "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1}}
    }

    response = acme_client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True
