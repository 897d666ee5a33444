"""/media/ answers only a signed-in member of the company that owns the file, and hands the file to nginx."""

from __future__ import annotations

import pytest

from shared_apps.common.testing import TEST_PASSWORD, api_client

CONTENT = b"quarterly numbers\n"


def _signed_in(tenant):
    client = api_client(tenant.hostname)
    response = client.post("/api/auth/login", {"email": tenant.owner_email, "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 200
    return client


@pytest.fixture
def media_root(settings, tmp_path, acme, globex):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = ""
    for tenant in (acme, globex):
        directory = tmp_path / "tenants" / str(tenant.tenant_id)
        directory.mkdir(parents=True)
        (directory / "report.txt").write_bytes(CONTENT + tenant.schema_name.encode())
    (tmp_path / "secret.txt").write_bytes(b"not under any tenant")
    return tmp_path


def test_a_member_reads_the_companys_file(acme, media_root):
    response = _signed_in(acme).get(f"/media/tenants/{acme.tenant_id}/report.txt")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CONTENT + acme.schema_name.encode()
    assert response["Content-Type"] == "text/plain"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=3600"


def test_behind_nginx_the_answer_is_an_internal_redirect(acme, media_root, settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/_protected_media/"

    response = _signed_in(acme).get(f"/media/tenants/{acme.tenant_id}/report.txt")

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_protected_media/tenants/{acme.tenant_id}/report.txt"
    assert response.content == b""


def test_anonymous_gets_401_and_no_bytes(acme, acme_client, media_root, settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/_protected_media/"

    response = acme_client.get(f"/media/tenants/{acme.tenant_id}/report.txt")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert "X-Accel-Redirect" not in response


def test_another_companys_file_is_not_found(acme, globex, media_root, settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/_protected_media/"
    globex_owner = _signed_in(globex)

    response = globex_owner.get(f"/media/tenants/{acme.tenant_id}/report.txt")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "X-Accel-Redirect" not in response


@pytest.mark.parametrize(
    "path",
    ["secret.txt", "tenants/{id}/../../secret.txt", "tenants/{id}/missing.txt", "tenants/{id}", "tenants/{id}/"],
)
def test_paths_outside_the_companys_files_are_not_found(acme, media_root, path):
    response = _signed_in(acme).get("/media/" + path.format(id=acme.tenant_id))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_media_is_not_served_on_the_public_host(public_client, acme, media_root):
    response = public_client.get(f"/media/tenants/{acme.tenant_id}/report.txt")

    assert response.status_code == 404
