"""/api/webhooks: owners and admins register endpoints (secret shown once), list deliveries with a cursor, send a
test event and redeliver; members may not; one company never reaches another's webhooks."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.models import Role
from tenant_apps.accounts.tests.conftest import error, person_make
from tenant_apps.webhooks.models import WebhookDelivery, WebhookEndpoint
from tenant_apps.webhooks.services import delivery_attempt
from tenant_apps.webhooks.tests.conftest import endpoint_make
from tenant_apps.webhooks.tests.receiver import Receiver


def test_creating_an_endpoint_shows_its_secret_once_and_stores_it_encrypted(
    acme: TestTenant, acme_owner_client: Any, receiver: Receiver
):
    created = acme_owner_client.post(
        "/api/webhooks/endpoints",
        {"url": receiver.url, "event_types": ["user.joined", "user.invited"], "description": "CRM"},
        format="json",
    )

    assert created.status_code == 201, created.content
    body = created.json()
    secret = body["secret"]
    assert secret.startswith("whsec_")
    assert len(secret) > 30
    assert body["event_types"] == ["user.invited", "user.joined"]
    assert (body["url"], body["description"], body["is_active"]) == (receiver.url, "CRM", True)
    listed = acme_owner_client.get("/api/webhooks/endpoints")
    shown = acme_owner_client.get(f"/api/webhooks/endpoints/{body['id']}")
    assert secret not in listed.content.decode() + shown.content.decode()
    assert "secret" not in shown.json()
    with schema_context(acme.schema_name):
        stored = WebhookEndpoint.objects.get(pk=body["id"]).secret_encrypted
    assert secret not in stored


def test_bad_input_is_refused_in_the_error_shape_and_changes_nothing(acme: TestTenant, acme_owner_client: Any):
    unknown = acme_owner_client.post(
        "/api/webhooks/endpoints", {"url": "https://example.com/h", "event_types": ["mail.exploded"]}, format="json"
    )
    plain_http = acme_owner_client.post(
        "/api/webhooks/endpoints", {"url": "http://example.com/h", "event_types": ["user.invited"]}, format="json"
    )
    none = acme_owner_client.post(
        "/api/webhooks/endpoints", {"url": "https://example.com/h", "event_types": []}, format="json"
    )

    assert unknown.status_code == 400
    assert unknown.json()["error"]["code"] == "invalid"
    assert list(unknown.json()["error"]["fields"]) == ["event_types.0"]
    assert plain_http.status_code == 400
    assert plain_http.json()["error"]["fields"] == {
        "url": ["The URL must start with https:// (http:// only to this machine, in development)."]
    }
    assert none.json()["error"]["fields"] == {"event_types": ["Choose at least one event."]}
    with schema_context(acme.schema_name):
        assert not WebhookEndpoint.objects.exists()


def test_private_addresses_are_refused_when_not_allowed(acme: TestTenant, acme_owner_client: Any, settings: Any):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    refused = [
        acme_owner_client.post(
            "/api/webhooks/endpoints", {"url": url, "event_types": ["user.invited"]}, format="json"
        ).json()
        for url in ("https://127.0.0.1/h", "https://10.1.2.3/h", "https://[::1]/h", "https://169.254.169.254/")
    ]

    assert [body["error"]["fields"] for body in refused] == [{"url": ["The URL points into a private network."]}] * 4


def test_update_test_event_deliveries_and_redeliver(acme: TestTenant, acme_owner_client: Any, receiver: Receiver):
    endpoint, _ = endpoint_make(acme, receiver.url)

    # update
    updated = acme_owner_client.patch(
        f"/api/webhooks/endpoints/{endpoint.pk}", {"event_types": ["mail.sent"], "is_active": False}, format="json"
    )
    assert updated.status_code == 200, updated.content
    assert (updated.json()["event_types"], updated.json()["is_active"]) == (["mail.sent"], False)

    # test event (sent even to an inactive endpoint), then delivered by the worker's step
    tested = acme_owner_client.post(f"/api/webhooks/endpoints/{endpoint.pk}/test")
    assert tested.status_code == 202, tested.content
    assert (tested.json()["event_type"], tested.json()["status"]) == ("webhook.test", "pending")
    with schema_context(acme.schema_name):
        delivery_attempt(delivery_id=tested.json()["id"])
    assert [request.headers["Atrium-Event"] for request in receiver.requests] == ["webhook.test"]

    # redeliver: a new delivery of the same event
    again = acme_owner_client.post(f"/api/webhooks/endpoints/{endpoint.pk}/deliveries/{tested.json()['id']}/redeliver")
    assert again.status_code == 202, again.content
    assert again.json()["event_id"] == tested.json()["event_id"]
    assert again.json()["id"] != tested.json()["id"]

    # deliveries, newest first, one per page with a cursor to the next
    first_page = acme_owner_client.get(f"/api/webhooks/endpoints/{endpoint.pk}/deliveries?page_size=1")
    assert [row["id"] for row in first_page.json()["results"]] == [again.json()["id"]]
    second_page = acme_owner_client.get(first_page.json()["next"])
    [sent] = second_page.json()["results"]
    assert (sent["id"], sent["status"], sent["attempts"], sent["response_status"]) == (
        tested.json()["id"],
        "succeeded",
        1,
        200,
    )

    # delete takes the deliveries along
    assert acme_owner_client.delete(f"/api/webhooks/endpoints/{endpoint.pk}").status_code == 204
    with schema_context(acme.schema_name):
        assert not WebhookDelivery.objects.exists()


def test_event_types_catalogue(acme: TestTenant, acme_owner_client: Any):
    response = acme_owner_client.get("/api/webhooks/event-types")

    assert response.json() == {
        "event_types": [
            "user.invited",
            "user.joined",
            "mail_account.status_changed",
            "mail.sent",
            "mail.send_failed",
        ]
    }


def test_a_member_may_not_use_webhooks(acme: TestTenant, receiver: Receiver):
    endpoint, _ = endpoint_make(acme, receiver.url)
    member = person_make(acme, email="member@acme.test", role=Role.MEMBER)

    responses = [
        member.client.get("/api/webhooks/endpoints"),
        member.client.post("/api/webhooks/endpoints", {"url": receiver.url, "event_types": ["user.invited"]}),
        member.client.delete(f"/api/webhooks/endpoints/{endpoint.pk}"),
        member.client.post(f"/api/webhooks/endpoints/{endpoint.pk}/test"),
    ]

    assert [response.json() for response in responses] == [
        error("permission_denied", "Only owners and admins can do this.")
    ] * 4
    with schema_context(acme.schema_name):
        assert list(WebhookEndpoint.objects.values_list("pk", flat=True)) == [endpoint.pk]
        assert not WebhookDelivery.objects.exists()


def test_one_company_never_reaches_anothers_webhooks(
    acme: TestTenant, globex: TestTenant, globex_owner_client: Any, receiver: Receiver
):
    # given an acme endpoint with a delivery
    endpoint, _ = endpoint_make(acme, receiver.url)
    with schema_context(acme.schema_name):
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event_id="00000000-0000-0000-0000-000000000001", event_type="user.invited", payload={}
        )
    base = f"/api/webhooks/endpoints/{endpoint.pk}"

    # when globex's owner tries every route on it
    responses = [
        globex_owner_client.get(base),
        globex_owner_client.patch(base, {"description": "mine"}, format="json"),
        globex_owner_client.post(f"{base}/test"),
        globex_owner_client.get(f"{base}/deliveries"),
        globex_owner_client.post(f"{base}/deliveries/{delivery.pk}/redeliver"),
        globex_owner_client.delete(base),
    ]
    listed = globex_owner_client.get("/api/webhooks/endpoints")

    # then each is 404 in the error shape, globex lists nothing, and acme's endpoint is untouched
    assert [(response.status_code, response.json()["error"]["code"]) for response in responses] == [
        (404, "not_found")
    ] * 6
    assert listed.json()["results"] == []
    with schema_context(acme.schema_name):
        assert WebhookEndpoint.objects.get(pk=endpoint.pk).description == ""
        assert WebhookDelivery.objects.count() == 1
    with schema_context(globex.schema_name):
        assert not WebhookDelivery.objects.exists()
