"""The catch-all view serves the static export like nginx does, and leaves API paths to the API."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_apps.frontend import views


@pytest.fixture
def export_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "_next" / "static" / "chunks").mkdir(parents=True)
    (tmp_path / "index.html").write_text("<p>home</p>")
    (tmp_path / "login.html").write_text("<p>login</p>")
    (tmp_path / "404.html").write_text("<p>missing</p>")
    (tmp_path / "_next" / "static" / "chunks" / "app.js").write_text("console.log(1)")
    (tmp_path.parent / "secret.txt").write_text("secret")
    monkeypatch.setattr(views, "FRONTEND_ROOT", tmp_path)
    return tmp_path


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_root_serves_index_html(export_dir, acme_client):
    response = acme_client.get("/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html"
    assert response["Cache-Control"] == "no-cache"
    assert _body(response) == b"<p>home</p>"


def test_route_without_extension_serves_its_html(export_dir, public_client):
    response = public_client.get("/login")

    assert response.status_code == 200
    assert _body(response) == b"<p>login</p>"


def test_hashed_assets_are_cached_forever(export_dir, acme_client):
    response = acme_client.get("/_next/static/chunks/app.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


def test_unknown_page_in_a_browser_is_the_404_page(export_dir, acme_client):
    response = acme_client.get("/no/such/page", HTTP_ACCEPT="text/html,application/xhtml+xml")

    assert response.status_code == 404
    assert response.content == b"<p>missing</p>"


def test_unknown_path_for_an_api_client_is_the_json_404(export_dir, acme_client):
    response = acme_client.get("/no/such/page")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_paths_outside_the_export_are_not_served(export_dir, acme_client):
    response = acme_client.get("/../secret.txt", HTTP_ACCEPT="text/html")
    encoded = acme_client.get("/%2e%2e/secret.txt", HTTP_ACCEPT="text/html")

    assert response.status_code == 404
    assert encoded.status_code == 404
    assert b"secret" not in response.content + encoded.content


def test_api_paths_stay_with_the_api(export_dir, acme_client, public_client):
    api_missing = acme_client.get("/api/no-such-endpoint", HTTP_ACCEPT="text/html")
    health = public_client.get("/healthz", HTTP_ACCEPT="text/html,*/*;q=0.8")

    assert api_missing.status_code == 404
    assert api_missing.json()["error"]["code"] == "not_found"
    assert health.status_code == 200
    assert health["Content-Type"].startswith("application/json")


def test_writes_are_refused(export_dir, acme_client):
    response = acme_client.post("/login", data="{}", content_type="application/json")

    assert response.status_code == 405
    assert response.content != b"<p>login</p>"


def test_missing_build_says_how_to_build(tmp_path, monkeypatch, acme_client):
    monkeypatch.setattr(views, "FRONTEND_ROOT", tmp_path / "out")

    response = acme_client.get("/", HTTP_ACCEPT="text/html")

    assert response.status_code == 404
    assert b"python3 deploy/dev.py up" in response.content
