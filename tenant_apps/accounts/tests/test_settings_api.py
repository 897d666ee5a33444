"""The company's own settings (name, time zone, currency) and its logo, stored in the public Tenant row."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant, api_client
from tenant_apps.accounts.tests.conftest import Person, error, png_bytes
from tenants.models import Tenant
from tenants.routing import host_cache_forget, tenant_for_host

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def host_cache_restored(acme: TestTenant) -> Iterator[None]:
    """A test that runs on-commit callbacks re-caches the (rolled-back) tenant row; later tests must not see it."""
    yield
    host_cache_forget(acme.hostname)


def tenant_row(tenant: TestTenant) -> dict[str, str]:
    return Tenant.objects.filter(pk=tenant.tenant_id).values("name", "timezone", "currency", "logo_path").get()


def upload(person: Person, name: str, content: bytes, content_type: str = "application/octet-stream"):
    return person.client.put(
        "/api/settings/logo", {"logo": SimpleUploadedFile(name, content, content_type)}, format="multipart"
    )


def test_member_reads_the_settings(acme_member: Person):
    response = acme_member.client.get("/api/settings")

    assert response.status_code == 200
    assert response.json() == {"name": "Acme Corp", "timezone": "UTC", "currency": "USD", "logo_url": None}


def test_anonymous_cannot_read_the_settings(acme_client):
    assert acme_client.get("/api/settings").status_code == 401


def test_admin_changes_the_settings(acme: TestTenant, acme_admin: Person):
    response = acme_admin.client.patch(
        "/api/settings", {"name": " Acme Europe ", "timezone": "Europe/Berlin", "currency": "EUR"}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {"name": "Acme Europe", "timezone": "Europe/Berlin", "currency": "EUR", "logo_url": None}
    assert tenant_row(acme) == {"name": "Acme Europe", "timezone": "Europe/Berlin", "currency": "EUR", "logo_path": ""}
    assert acme_admin.client.get("/api/settings").json()["name"] == "Acme Europe"


def test_settings_change_refreshes_the_cached_host_after_commit(
    acme: TestTenant, acme_admin: Person, django_capture_on_commit_callbacks, host_cache_restored
):
    tenant_for_host(acme.hostname)  # cached as it is now
    with schema_context("public"):
        assert cache.get(f"tenant-host:{acme.hostname}") is not None

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        acme_admin.client.patch("/api/settings", {"timezone": "Asia/Tokyo"}, format="json")

    assert len(callbacks) == 1
    with schema_context("public"):
        assert cache.get(f"tenant-host:{acme.hostname}") is None
    refreshed = tenant_for_host(acme.hostname)
    assert refreshed is not None
    assert refreshed.timezone == "Asia/Tokyo"


def test_member_cannot_change_the_settings(acme: TestTenant, acme_member: Person):
    before = tenant_row(acme)

    response = acme_member.client.patch("/api/settings", {"name": "Hijacked"}, format="json")

    assert response.status_code == 403
    assert response.json() == error("permission_denied", "Only owners and admins can do this.")
    assert tenant_row(acme) == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            {"timezone": "Mars/Olympus"},
            {"timezone": ["'Mars/Olympus' is not a known time zone (e.g. 'Europe/Berlin')."]},
        ),
        ({"currency": "XYZ"}, {"currency": ["'XYZ' is not an ISO 4217 currency code in circulation."]}),
        ({"currency": "eur"}, {"currency": ["Use the three capital letters of an ISO 4217 code, e.g. 'EUR'."]}),
        ({"currency": "EURO"}, {"currency": ["Use the three capital letters of an ISO 4217 code, e.g. 'EUR'."]}),
        ({"currency": 978}, {"currency": ["Not a valid string."]}),
        ({"name": "   "}, {"name": ["This field may not be blank."]}),
        ({"name": "x" * 101}, {"name": ["Ensure this field has no more than 100 characters."]}),
        ({"logo_path": "/etc/passwd"}, {"logo_path": ["This field is not accepted here."]}),
    ],
)
def test_bad_settings_are_field_errors(acme: TestTenant, acme_admin: Person, body, fields):
    before = tenant_row(acme)

    response = acme_admin.client.patch("/api/settings", body, format="json")

    assert response.status_code == 400
    assert response.json() == error("invalid", "The request has invalid fields.", fields)
    assert tenant_row(acme) == before


# --- logo -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type", "extension"),
    [(png_bytes(), "image/png", ".png"), (JPEG, "image/jpeg", ".jpg"), (WEBP, "image/webp", ".webp")],
)
def test_admin_uploads_a_logo_and_members_see_it(
    acme: TestTenant, acme_admin: Person, acme_member: Person, media_root: Path, content, content_type, extension
):
    # The client's file name and type are ignored: the bytes decide.
    response = upload(acme_admin, "logo.gif", content, "text/html")

    assert response.status_code == 200
    logo_url = response.json()["logo_url"]
    assert logo_url.startswith("/api/settings/logo?v=")
    logo_path = tenant_row(acme)["logo_path"]
    assert logo_path.startswith(f"tenants/{acme.tenant_id}/logo-")
    assert logo_path.endswith(extension)
    assert (media_root / logo_path).read_bytes() == content

    served = acme_member.client.get(logo_url, HTTP_ACCEPT="image/avif,image/webp,*/*")

    assert served.status_code == 200
    assert served["Content-Type"] == content_type
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == content  # type: ignore[attr-defined]


def test_logo_is_served_whatever_the_accept_header(acme_admin: Person, media_root: Path):
    upload(acme_admin, "logo.png", png_bytes())

    response = acme_admin.client.get("/api/settings/logo", HTTP_ACCEPT="image/png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_logo_and_brand_are_readable_without_signing_in(acme: TestTenant, acme_admin: Person, media_root: Path):
    # given a logo uploaded by an admin
    logo_url = upload(acme_admin, "logo.png", png_bytes()).json()["logo_url"]
    anonymous = api_client(acme.hostname)

    # when someone who has not signed in asks for the company's brand and logo
    brand = anonymous.get("/api/settings/brand")
    logo = anonymous.get(logo_url)

    # then both answer, and the settings themselves stay private
    assert brand.status_code == 200
    assert brand.json() == {"name": "Acme Corp", "logo_url": logo_url}
    assert (logo.status_code, logo["Content-Type"]) == (200, "image/png")
    assert anonymous.get("/api/settings").status_code == 401
    assert anonymous.delete("/api/settings/logo").status_code in (401, 403)
    assert tenant_row(acme)["logo_path"].endswith(".png")


def test_no_logo_is_404(acme_member: Person, media_root: Path):
    response = acme_member.client.get("/api/settings/logo")

    assert response.status_code == 404
    assert response.json() == error("not_found", "This company has no logo.")


def test_svg_logo_is_refused(acme: TestTenant, acme_admin: Person, media_root: Path):
    response = upload(acme_admin, "logo.svg", SVG, "image/svg+xml")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "logo": ["SVG logos are not accepted; upload a PNG, JPEG or WebP image."]
    }
    assert tenant_row(acme)["logo_path"] == ""
    assert list(media_root.rglob("*")) == []


def test_non_image_logo_is_refused(acme: TestTenant, acme_admin: Person, media_root: Path):
    response = upload(acme_admin, "logo.png", b"GIF89a not accepted either", "image/png")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"logo": ["The file is not a PNG, JPEG or WebP image."]}
    assert tenant_row(acme)["logo_path"] == ""


def test_empty_or_missing_logo_is_a_field_error(acme_admin: Person, media_root: Path):
    empty = upload(acme_admin, "logo.png", b"")
    missing = acme_admin.client.put("/api/settings/logo", {}, format="multipart")

    assert empty.json()["error"]["fields"] == {"logo": ["The submitted file is empty."]}
    assert missing.json()["error"]["fields"] == {"logo": ["No file was submitted."]}


def test_logo_over_the_limit_is_413(acme: TestTenant, acme_admin: Person, media_root: Path, settings):
    settings.MAX_LOGO_BYTES = 64
    content = png_bytes(8, 8)
    assert len(content) > 64

    response = upload(acme_admin, "logo.png", content)

    assert response.status_code == 413
    assert response.json() == error("request_too_large", "A logo may be at most 64 bytes.")
    assert tenant_row(acme)["logo_path"] == ""
    assert list(media_root.rglob("*")) == []


def test_logo_body_far_over_the_limit_is_refused_before_parsing(acme_admin: Person, media_root: Path, settings):
    response = upload(acme_admin, "logo.png", png_bytes() + b"\x00" * (settings.MAX_LOGO_BYTES + 20_000))

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_logo_as_json_is_415(acme_admin: Person, media_root: Path):
    response = acme_admin.client.put("/api/settings/logo", {"logo": "aGVsbG8="}, format="json")

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_member_cannot_upload_or_remove_the_logo(acme: TestTenant, acme_member: Person, media_root: Path):
    uploaded = upload(acme_member, "logo.png", png_bytes())
    removed = acme_member.client.delete("/api/settings/logo")

    assert (uploaded.status_code, removed.status_code) == (403, 403)
    assert tenant_row(acme)["logo_path"] == ""
    assert list(media_root.rglob("*")) == []


def test_new_logo_replaces_the_old_file_after_commit(
    acme: TestTenant, acme_admin: Person, media_root: Path, django_capture_on_commit_callbacks, host_cache_restored
):
    upload(acme_admin, "first.png", png_bytes())
    first_path = media_root / tenant_row(acme)["logo_path"]

    with django_capture_on_commit_callbacks(execute=True):
        upload(acme_admin, "second.jpg", JPEG)

    second_path = media_root / tenant_row(acme)["logo_path"]
    assert not first_path.exists()
    assert second_path.read_bytes() == JPEG
    assert acme_admin.client.get("/api/settings/logo")["Content-Type"] == "image/jpeg"


def test_admin_removes_the_logo(
    acme: TestTenant, acme_admin: Person, media_root: Path, django_capture_on_commit_callbacks, host_cache_restored
):
    upload(acme_admin, "logo.png", png_bytes())
    stored = media_root / tenant_row(acme)["logo_path"]

    with django_capture_on_commit_callbacks(execute=True):
        response = acme_admin.client.delete("/api/settings/logo")

    assert response.status_code == 200
    assert response.json()["logo_url"] is None
    assert tenant_row(acme)["logo_path"] == ""
    assert not stored.exists()
    assert acme_admin.client.get("/api/settings/logo").status_code == 404


def test_logo_path_outside_the_tenant_directory_is_never_served(acme: TestTenant, acme_admin: Person, media_root):
    (media_root / "secret.png").write_bytes(png_bytes())
    Tenant.objects.filter(pk=acme.tenant_id).update(logo_path="tenants/../secret.png")

    response = acme_admin.client.get("/api/settings/logo")

    assert response.status_code == 404
