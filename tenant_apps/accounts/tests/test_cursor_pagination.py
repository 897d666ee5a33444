"""A cursor is input: one that decodes to a position its ordering's field cannot hold is refused as DRF refuses
one it cannot decode (404, "Invalid cursor"), never passed on to the database."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import pytest
from django.db.models import Model
from django_tenants.utils import schema_context
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from shared_apps.common.pagination import CheckedCursorPagination
from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.tests.conftest import Person
from tenant_apps.mail.api import MessageCursorPagination, ThreadCursorPagination
from tenant_apps.mail.models import MailDraft, MailMessage, MailOutgoing, MailThread
from tenant_apps.mail.views_drafts import DraftCursorPagination
from tenant_apps.mail.views_outbox import OutboxCursorPagination


def cursor(**parts: str) -> str:
    return base64.b64encode(urlencode(parts).encode()).decode()


BAD_POSITIONS = ["abc", "1.5", "99999999999999999999", "-99999999999999999999", "", "2026-13-45 99:00", "\x00"]


@pytest.mark.parametrize("path", ["/api/users", "/api/tokens", "/api/invitations"])
def test_a_cursor_whose_position_does_not_fit_is_refused(acme: TestTenant, acme_owner: Person, path: str):
    for position in BAD_POSITIONS:
        response = acme_owner.client.get(path, {"cursor": cursor(p=position)})

        assert response.status_code == 404, (path, position, response.content)
        assert response.json() == {"error": {"code": "not_found", "message": "Invalid cursor", "fields": {}}}


def test_a_fitting_cursor_still_pages(acme: TestTenant, acme_owner: Person):
    for number in range(3):
        acme_owner.client.post("/api/tokens", {"name": f"t{number}"}, format="json")

    first = acme_owner.client.get("/api/tokens", {"page_size": 2}).json()
    second = acme_owner.client.get(first["next"]).json()

    assert len(first["results"]) == 2
    assert second["results"]
    assert {token["id"] for token in first["results"]}.isdisjoint(token["id"] for token in second["results"])


@pytest.mark.parametrize(
    ("pagination", "model", "fits"),
    [
        (MessageCursorPagination, MailMessage, "2026-11-24 08:25:14.567216+00:00"),
        (ThreadCursorPagination, MailThread, "2026-11-24 08:25:14+00:00"),
        (DraftCursorPagination, MailDraft, "2026-11-24 08:25:14.567216+00:00"),
        (OutboxCursorPagination, MailOutgoing, "42"),
    ],
)
def test_every_cursor_pagination_checks_its_position(
    acme: TestTenant, pagination: type[CheckedCursorPagination], model: type[Model], fits: str
):
    def page(position: str) -> list:
        request = Request(APIRequestFactory().get("/", {"cursor": cursor(p=position)}))
        with schema_context(acme.schema_name):
            return list(pagination().paginate_queryset(model._default_manager.all(), request) or [])

    assert page(fits) == []
    for position in BAD_POSITIONS:
        with pytest.raises(NotFound):
            page(position)
