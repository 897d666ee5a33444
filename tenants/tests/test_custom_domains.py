"""A company's own domains through the real API: added, verified against a real DNS server (dnsmasq), routed,
removed; bad input and other companies change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shared_apps.common.testing import TEST_PASSWORD, TestTenant, api_client
from tenant_apps.accounts.models import Role
from tenant_apps.accounts.tests.conftest import login, person_make, signed_in
from tenants.models import CustomDomain, Domain
from tenants.routing import host_cache_forget
from tenants.tests.dns_server import DnsServer

HOST = "crm.acme-corp.test"
CONTESTED = "crm.contested.test"
HOSTS_USED = (HOST, CONTESTED, "www.acme-corp.test", "extra.acme-corp.test")


@pytest.fixture
def dns(settings: Any) -> Iterator[DnsServer]:
    server = DnsServer()
    server.serve({})
    settings.CUSTOM_DOMAIN_DNS_SERVERS = [server.address]
    # Production runs with EXTRA_ALLOWED_HOSTS=*: the Domain table decides which hosts reach a company.
    settings.ALLOWED_HOSTS = ["*"]
    yield server
    server.stop()
    for hostname in HOSTS_USED:  # routing answers are cached in Redis, which the test transaction does not undo
        host_cache_forget(hostname)


def published(domain: dict[str, Any]) -> dict[str, str]:
    """The TXT record the API tells the company to publish."""
    txt = next(record for record in domain["dns_records"] if record["type"] == "TXT")
    return {txt["name"]: txt["value"]}


def domains_of(tenant: TestTenant) -> list[tuple[str, bool]]:
    return sorted(
        (row.hostname, row.verified_at is not None) for row in CustomDomain.objects.filter(tenant_id=tenant.tenant_id)
    )


def test_an_added_domain_waits_for_verification_and_tells_what_to_publish(acme, dns):
    owner = signed_in(acme, acme.owner_email)

    response = owner.post("/api/domains", {"hostname": "  CRM.Acme-Corp.test. "}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["hostname"], body["status"], body["verified_at"]) == (HOST, "pending", None)
    token = CustomDomain.objects.get(pk=body["id"]).verification_token
    assert body["dns_records"] == [
        {"type": "TXT", "name": f"_atrium-challenge.{HOST}", "value": f"atrium-domain-verification={token}"},
        {"type": "CNAME", "name": HOST, "value": acme.hostname},
    ]
    assert not Domain.objects.filter(domain=HOST).exists()
    assert api_client(HOST).get("/healthz").status_code == 404  # not routed before it is verified


def test_verification_without_the_record_is_refused_and_changes_nothing(acme, dns):
    owner = signed_in(acme, acme.owner_email)
    added = owner.post("/api/domains", {"hostname": HOST}, format="json").json()
    dns.serve({f"_atrium-challenge.{HOST}": "atrium-domain-verification=someone-elses-token"})

    response = owner.post(f"/api/domains/{added['id']}/verify")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "domain_not_verified"
    assert published(added)[f"_atrium-challenge.{HOST}"] in response.json()["error"]["message"]
    assert domains_of(acme) == [(HOST, False)]
    assert not Domain.objects.filter(domain=HOST).exists()


def test_a_verified_domain_routes_at_once_with_sessions_and_csrf_on_it(acme, dns, django_capture_on_commit_callbacks):
    owner = signed_in(acme, acme.owner_email)
    added = owner.post("/api/domains", {"hostname": HOST}, format="json").json()
    assert api_client(HOST).get("/healthz").status_code == 404  # "unknown" is now cached for this host
    dns.serve(published(added))

    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(f"/api/domains/{added['id']}/verify")

    assert response.status_code == 200
    assert response.json()["status"] == "verified"
    assert Domain.objects.get(domain=HOST).tenant_id == acme.tenant_id
    browser = api_client(HOST)
    browser.enforce_csrf_checks = True
    token = browser.get("/api/auth/csrf").json()["csrf_token"]
    signed = login(browser, acme.owner_email, TEST_PASSWORD, HTTP_X_CSRFTOKEN=token, HTTP_ORIGIN=f"http://{HOST}")
    assert signed.status_code == 200
    assert browser.get("/api/auth/me").json()["email"] == acme.owner_email
    assert owner.post(f"/api/domains/{added['id']}/verify").json()["status"] == "verified"  # again: no change


def test_a_removed_domain_stops_routing_at_once(acme, dns, django_capture_on_commit_callbacks):
    owner = signed_in(acme, acme.owner_email)
    added = owner.post("/api/domains", {"hostname": HOST}, format="json").json()
    dns.serve(published(added))
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(f"/api/domains/{added['id']}/verify")
    assert api_client(HOST).get("/healthz").status_code == 200  # the route is now cached

    with django_capture_on_commit_callbacks(execute=True):
        response = owner.delete(f"/api/domains/{added['id']}")

    assert response.status_code == 204
    assert domains_of(acme) == []
    assert not Domain.objects.filter(domain=HOST).exists()
    assert api_client(HOST).get("/healthz").status_code == 404


@pytest.mark.parametrize(
    ("hostname", "message"),
    [
        ("not a domain", "Enter a domain name such as crm.example.com"),
        ("https://crm.acme.com", "Enter a domain name such as crm.example.com"),
        ("crm.acme.com:8443", "Enter a domain name such as crm.example.com"),
        ("-crm.acme.com", "Enter a domain name such as crm.example.com"),
        ("acme", "Enter a domain name such as crm.example.com"),
        ("a" * 64 + ".com", "Enter a domain name such as crm.example.com"),
        (("a" * 62 + ".") * 4 + "com", "Enter a domain name such as crm.example.com"),
        ("10.0.0.1", "Enter a domain name, not an IP address."),
        ("localhost", "Enter a domain name such as crm.example.com"),
        ("acme.localhost", "Addresses under localhost are given by Atrium; add a domain of your own."),
        ("globex.localhost", "Addresses under localhost are given by Atrium; add a domain of your own."),
    ],
)
def test_a_bad_hostname_is_refused_and_changes_nothing(acme, dns, hostname, message):
    owner = signed_in(acme, acme.owner_email)

    response = owner.post("/api/domains", {"hostname": hostname}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["hostname"][0].startswith(message)
    assert domains_of(acme) == []


def test_a_hostname_that_is_not_a_string_or_missing_is_refused(acme, dns):
    owner = signed_in(acme, acme.owner_email)

    number = owner.post("/api/domains", {"hostname": 42}, format="json")
    missing = owner.post("/api/domains", {}, format="json")
    extra = owner.post("/api/domains", {"hostname": HOST, "verified_at": "2020-01-01"}, format="json")

    assert [number.status_code, missing.status_code, extra.status_code] == [400, 400, 400]
    assert set(missing.json()["error"]["fields"]) == {"hostname"}
    assert set(extra.json()["error"]["fields"]) == {"verified_at"}
    assert domains_of(acme) == []


def test_the_same_domain_twice_and_over_the_limit_are_refused(acme, dns, settings):
    settings.CUSTOM_DOMAINS_PER_TENANT = 2
    owner = signed_in(acme, acme.owner_email)
    assert owner.post("/api/domains", {"hostname": HOST}, format="json").status_code == 201

    twice = owner.post("/api/domains", {"hostname": HOST.upper()}, format="json")
    second = owner.post("/api/domains", {"hostname": "www.acme-corp.test"}, format="json")
    third = owner.post("/api/domains", {"hostname": "extra.acme-corp.test"}, format="json")

    assert twice.status_code == 400
    assert twice.json()["error"]["fields"] == {"hostname": ["This company has already added this domain."]}
    assert second.status_code == 201
    assert third.status_code == 400
    assert third.json()["error"]["fields"] == {"hostname": ["A company can have at most 2 custom domains."]}
    assert domains_of(acme) == [(HOST, False), ("www.acme-corp.test", False)]


def test_members_cannot_manage_domains(acme, dns):
    member = person_make(acme, email="member@acme.test", role=Role.MEMBER)

    listed = member.client.get("/api/domains")
    added = member.client.post("/api/domains", {"hostname": HOST}, format="json")

    assert [listed.status_code, added.status_code] == [403, 403]
    assert domains_of(acme) == []


def test_dns_that_cannot_be_reached_is_a_503_and_changes_nothing(acme, dns, settings):
    owner = signed_in(acme, acme.owner_email)
    added = owner.post("/api/domains", {"hostname": HOST}, format="json").json()
    dns.stop()

    response = owner.post(f"/api/domains/{added['id']}/verify")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "dns_unavailable"
    assert domains_of(acme) == [(HOST, False)]


def test_two_companies_see_and_touch_only_their_own_domains(acme, globex, dns, django_capture_on_commit_callbacks):
    acme_owner = signed_in(acme, acme.owner_email)
    globex_owner = signed_in(globex, globex.owner_email)
    acme_claim = acme_owner.post("/api/domains", {"hostname": CONTESTED}, format="json").json()
    globex_claim = globex_owner.post("/api/domains", {"hostname": CONTESTED}, format="json").json()
    dns.serve(published(acme_claim))  # whoever controls the DNS chose acme

    listed_by_globex = globex_owner.get("/api/domains").json()["results"]
    foreign_verify = globex_owner.post(f"/api/domains/{acme_claim['id']}/verify")
    foreign_delete = globex_owner.delete(f"/api/domains/{acme_claim['id']}")
    globex_verify = globex_owner.post(f"/api/domains/{globex_claim['id']}/verify")
    with django_capture_on_commit_callbacks(execute=True):
        acme_verify = acme_owner.post(f"/api/domains/{acme_claim['id']}/verify")
    globex_after = globex_owner.post(f"/api/domains/{globex_claim['id']}/verify")
    globex_again = globex_owner.post("/api/domains", {"hostname": "CRM.contested.test"}, format="json")

    assert [item["id"] for item in listed_by_globex] == [globex_claim["id"]]
    assert [foreign_verify.status_code, foreign_delete.status_code] == [404, 404]
    assert globex_verify.json()["error"]["code"] == "domain_not_verified"
    assert acme_verify.status_code == 200
    assert globex_after.status_code == 409
    assert globex_after.json()["error"]["code"] == "domain_taken"
    assert globex_again.status_code == 409
    assert Domain.objects.get(domain=CONTESTED).tenant_id == acme.tenant_id
    assert domains_of(acme) == [(CONTESTED, True)]
    assert domains_of(globex) == [(CONTESTED, False)]
    assert login(api_client(CONTESTED), acme.owner_email).status_code == 200  # the host is acme's
    assert login(api_client(CONTESTED), globex.owner_email).status_code == 400
