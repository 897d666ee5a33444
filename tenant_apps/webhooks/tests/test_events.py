"""Events emitted by the services that change state: an accepted invitation reaches an endpoint subscribed to
user.joined, queued for sending only once the change commits."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant, api_client
from tenant_apps.accounts.tests.conftest import Person
from tenant_apps.accounts.tests.test_invitations_api import accept, invite
from tenant_apps.webhooks.models import WebhookDelivery
from tenant_apps.webhooks.services import delivery_attempt
from tenant_apps.webhooks.tests.conftest import endpoint_make
from tenant_apps.webhooks.tests.receiver import Receiver


def test_an_accepted_invitation_is_delivered_as_user_joined(
    acme: TestTenant, acme_owner: Person, receiver: Receiver, django_capture_on_commit_callbacks: Any
):
    # given an endpoint subscribed to user.joined only, and an invitation
    endpoint, _ = endpoint_make(acme, receiver.url, ["user.joined"])
    _, token = invite(acme_owner, "new@acme.test", "admin", django_capture_on_commit_callbacks)

    # when it is accepted
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        accepted = accept(api_client(acme.hostname), token)
    assert accepted.status_code == 201, accepted.content

    # then one delivery waits for its task (queued on commit), and sending it brings the new user's data
    with schema_context(acme.schema_name):
        [delivery] = WebhookDelivery.objects.all()
        assert (delivery.endpoint_id, delivery.event_type) == (endpoint.pk, "user.joined")
        assert any(getattr(callback, "args", None) == (delivery.pk,) for callback in callbacks)
        delivery_attempt(delivery_id=delivery.pk)
    [request] = receiver.requests
    assert request.headers["Atrium-Event"] == "user.joined"
    assert delivery.payload["data"] == {
        "user_id": accepted.json()["id"],
        "email": "new@acme.test",
        "role": "admin",
        "invitation_id": delivery.payload["data"]["invitation_id"],
    }
