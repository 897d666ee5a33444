"""GET /api/search: people for owners and admins, mail by subject, participant and body as prefixes."""

from __future__ import annotations

from django.utils import timezone

from shared_apps.common.testing import TestTenant, api_client
from tenant_apps.accounts.tests.conftest import Person, user_make
from tenant_apps.portal.search import prefix_tsquery
from tenant_apps.portal.tests.conftest import mailbox_make, message_make


def test_prefix_tsquery_keeps_only_words():
    assert prefix_tsquery("Quarterly rep") == "quarterly:* & rep:*"
    assert prefix_tsquery("a & b | !c:* <-> 'd'") == "a:* & b:* & c:* & d:*"
    assert prefix_tsquery("  ...  ") == ""


def test_mail_is_found_by_subject_participant_and_body_prefix(acme: TestTenant, acme_owner: Person):
    # given three messages
    mailbox = mailbox_make(acme, owner_email=acme.owner_email, address="sales@acme.test")
    now = timezone.now()
    invoice = message_make(acme, mailbox, at=now, subject="Invoice 2291 overdue", from_address="billing@vendor.test")
    lunch = message_make(acme, mailbox, at=now, subject="Lunch", from_name="Zelda Quinn", from_address="zq@x.test")
    contract = message_make(acme, mailbox, at=now, subject="Hi", body="the signed contract is attached")

    # when searching by a subject prefix, a sender's name prefix and a body word
    by_subject = acme_owner.client.get("/api/search", {"q": "invo"}).json()["messages"]
    by_sender = acme_owner.client.get("/api/search", {"q": "zeld"}).json()["messages"]
    by_body = acme_owner.client.get("/api/search", {"q": "contract"}).json()["messages"]
    by_two_words = acme_owner.client.get("/api/search", {"q": "invoice lunch"}).json()["messages"]

    # then
    assert [hit["id"] for hit in by_subject] == [invoice]
    assert by_subject[0]["subject"] == "Invoice 2291 overdue"
    assert by_subject[0]["from_address"] == "billing@vendor.test"
    assert [hit["id"] for hit in by_sender] == [lunch]
    assert [hit["id"] for hit in by_body] == [contract]
    assert by_two_words == []


def test_people_are_found_by_admins_only(acme: TestTenant, acme_owner: Person, acme_member: Person):
    # given a colleague
    user_make(acme, email="grace.hopper@acme.test", full_name="Grace Hopper")

    # when the owner and a member search for her
    as_owner = acme_owner.client.get("/api/search", {"q": "hopp"}).json()
    as_member = acme_member.client.get("/api/search", {"q": "hopp"}).json()

    # then only the owner gets people
    assert [(p["full_name"], p["email"], p["role"]) for p in as_owner["people"]] == [
        ("Grace Hopper", "grace.hopper@acme.test", "member")
    ]
    assert as_member["people"] == []


def test_a_member_does_not_find_mail_of_accounts_not_shared_with_them(
    acme: TestTenant, acme_owner: Person, acme_member: Person
):
    mailbox = mailbox_make(acme, owner_email=acme.owner_email, address="boss@acme.test")
    message_make(acme, mailbox, at=timezone.now(), subject="Salaries 2027")

    assert acme_member.client.get("/api/search", {"q": "salaries"}).json()["messages"] == []
    assert len(acme_owner.client.get("/api/search", {"q": "salaries"}).json()["messages"]) == 1


def test_bad_search_input_is_a_clear_error(acme_owner: Person):
    missing = acme_owner.client.get("/api/search")
    too_long = acme_owner.client.get("/api/search", {"q": "x" * 201})
    nul = acme_owner.client.get("/api/search", {"q": "a\x00b"})
    bad_limit = acme_owner.client.get("/api/search", {"q": "a", "limit": "500"})

    assert missing.status_code == 400
    assert list(missing.json()["error"]["fields"]) == ["q"]
    assert too_long.status_code == 400
    assert list(too_long.json()["error"]["fields"]) == ["q"]
    assert nul.status_code == 400
    assert bad_limit.status_code == 400
    assert list(bad_limit.json()["error"]["fields"]) == ["limit"]


def test_punctuation_only_finds_nothing_rather_than_failing(acme_owner: Person):
    response = acme_owner.client.get("/api/search", {"q": "&|!:*"})

    assert response.status_code == 200
    assert response.json() == {"people": [], "messages": []}


def test_search_needs_a_signed_in_user(acme: TestTenant):
    assert api_client(acme.hostname).get("/api/search", {"q": "a"}).status_code == 401


def test_search_never_crosses_companies(acme: TestTenant, globex: TestTenant, acme_owner: Person, globex_owner: Person):
    # given mail and a person at acme
    mailbox = mailbox_make(acme, owner_email=acme.owner_email, address="sales@acme.test")
    message_make(acme, mailbox, at=timezone.now(), subject="Acme secret roadmap")
    user_make(acme, email="roadrunner@acme.test", full_name="Road Runner")

    # when globex's owner searches for them
    at_globex = globex_owner.client.get("/api/search", {"q": "road"}).json()

    # then globex finds nothing; acme finds both
    assert at_globex == {"people": [], "messages": []}
    at_acme = acme_owner.client.get("/api/search", {"q": "road"}).json()
    assert (len(at_acme["people"]), len(at_acme["messages"])) == (1, 1)
