"""Remembered API token lookups (token_cache): one query per token and generation, and every change that must
end or alter a token's access retires them at once, in this process and in any other."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_redis import get_redis_connection
from django_tenants.utils import schema_context

from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.authentication import token_hash
from tenant_apps.accounts.models import ApiToken
from tenant_apps.accounts.tests.conftest import Person, error
from tenant_apps.accounts.tests.test_tokens_api import bearer
from tenant_apps.accounts.token_cache import (
    RETIRED_MAX,
    RETIRED_SECONDS,
    auth_cache_invalidate,
    generation_key,
    retired_key,
    token_retire,
)

ROOT = Path(__file__).resolve().parents[3]
REFUSED = error("authentication_failed", "The token is not valid or has been revoked.")


def token_queries(captured: CaptureQueriesContext) -> int:
    return sum('FROM "accounts_apitoken"' in query["sql"] for query in captured.captured_queries)


def test_a_used_token_is_looked_up_once(acme: TestTenant, acme_member: Person):
    secret = acme_member.client.post("/api/tokens", {"name": "script"}, format="json").json()["token"]
    client = bearer(acme, secret)

    with CaptureQueriesContext(connection) as first:
        assert client.get("/api/auth/me").status_code == 200
    with CaptureQueriesContext(connection) as second:
        again = client.get("/api/auth/me")

    assert token_queries(first) == 1
    assert token_queries(second) == 0
    assert again.status_code == 200
    assert again.json()["email"] == acme_member.email


def test_revoking_a_remembered_token_refuses_its_next_request(acme: TestTenant, acme_member: Person):
    body = acme_member.client.post("/api/tokens", {"name": "script"}, format="json").json()
    client = bearer(acme, body["token"])
    assert client.get("/api/auth/me").status_code == 200

    assert acme_member.client.delete(f"/api/tokens/{body['id']}").status_code == 204

    refused = client.get("/api/auth/me")
    assert refused.status_code == 401
    assert refused.json() == REFUSED


def test_deactivating_a_person_refuses_their_remembered_token(
    acme: TestTenant, acme_admin: Person, acme_member: Person
):
    client = bearer(acme, acme_member.client.post("/api/tokens", {"name": "s"}, format="json").json()["token"])
    assert client.get("/api/auth/me").status_code == 200

    response = acme_admin.client.patch(f"/api/users/{acme_member.id}", {"is_active": False}, format="json")

    assert response.status_code == 200
    assert client.get("/api/auth/me").json() == REFUSED


def test_a_role_change_reaches_a_remembered_token(acme: TestTenant, acme_admin: Person, acme_member: Person):
    client = bearer(acme, acme_member.client.post("/api/tokens", {"name": "s"}, format="json").json()["token"])
    assert client.get("/api/users").status_code == 403

    promoted = acme_admin.client.patch(f"/api/users/{acme_member.id}", {"role": "admin"}, format="json")
    assert promoted.status_code == 200
    assert client.get("/api/users").status_code == 200

    demoted = acme_admin.client.patch(f"/api/users/{acme_member.id}", {"role": "member"}, format="json")
    assert demoted.status_code == 200
    assert client.get("/api/users").status_code == 403


def test_a_name_change_reaches_a_remembered_token(acme: TestTenant, acme_member: Person):
    client = bearer(acme, acme_member.client.post("/api/tokens", {"name": "s"}, format="json").json()["token"])
    assert client.get("/api/auth/me").json()["full_name"] == ""

    assert acme_member.client.patch("/api/auth/me", {"full_name": "Mia Member"}, format="json").status_code == 200

    assert client.get("/api/auth/me").json()["full_name"] == "Mia Member"


def test_another_process_retires_what_this_process_remembers(acme: TestTenant, acme_member: Person):
    body = acme_member.client.post("/api/tokens", {"name": "script"}, format="json").json()
    client = bearer(acme, body["token"])
    assert client.get("/api/auth/me").status_code == 200
    # Revoked behind the services' back: this process still answers from what it remembers...
    with schema_context(acme.schema_name):
        ApiToken.objects.filter(pk=body["id"]).update(revoked_at=timezone.now())
    assert client.get("/api/auth/me").status_code == 200

    # ...until another process (another web worker) announces a change to the company's tokens.
    announce = (
        "import django; django.setup(); "
        "from tenant_apps.accounts.token_cache import auth_cache_invalidate; "
        f"auth_cache_invalidate({acme.schema_name!r})"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "REDIS_URL": str(settings.REDIS_URL),
        "CACHE_KEY_PREFIX": str(settings.CACHES["default"]["KEY_PREFIX"]),
    }
    result = subprocess.run(  # noqa: S603 - this interpreter, the project's own module
        [sys.executable, "-c", announce], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr

    assert client.get("/api/auth/me").json() == REFUSED


def test_one_companys_change_leaves_anothers_tokens_remembered(
    acme: TestTenant, acme_member: Person, globex: TestTenant, globex_owner: Person
):
    acme_client = bearer(acme, acme_member.client.post("/api/tokens", {"name": "a"}, format="json").json()["token"])
    globex_client = bearer(
        globex, globex_owner.client.post("/api/tokens", {"name": "g"}, format="json").json()["token"]
    )
    assert acme_client.get("/api/auth/me").status_code == 200
    assert globex_client.get("/api/auth/me").status_code == 200

    auth_cache_invalidate(acme.schema_name)

    with CaptureQueriesContext(connection) as captured:
        assert globex_client.get("/api/auth/me").status_code == 200
    assert token_queries(captured) == 0
    with CaptureQueriesContext(connection) as captured:
        assert acme_client.get("/api/auth/me").status_code == 200
    assert token_queries(captured) == 1


def test_a_token_of_one_company_is_unknown_to_another(acme: TestTenant, acme_member: Person, globex: TestTenant):
    secret = acme_member.client.post("/api/tokens", {"name": "a"}, format="json").json()["token"]
    assert bearer(acme, secret).get("/api/auth/me").status_code == 200

    response = bearer(globex, secret).get("/api/auth/me")

    assert response.status_code == 401
    assert response.json() == REFUSED


def test_revoking_one_token_leaves_the_companys_others_remembered(acme: TestTenant, acme_member: Person):
    kept = bearer(acme, acme_member.client.post("/api/tokens", {"name": "kept"}, format="json").json()["token"])
    body = acme_member.client.post("/api/tokens", {"name": "gone"}, format="json").json()
    gone = bearer(acme, body["token"])
    assert kept.get("/api/auth/me").status_code == 200
    assert gone.get("/api/auth/me").status_code == 200
    generation = get_redis_connection("default").get(generation_key(acme.schema_name))

    assert acme_member.client.delete(f"/api/tokens/{body['id']}").status_code == 204

    assert gone.get("/api/auth/me").json() == REFUSED
    with CaptureQueriesContext(connection) as captured:
        assert kept.get("/api/auth/me").status_code == 200
    assert token_queries(captured) == 0
    assert get_redis_connection("default").get(generation_key(acme.schema_name)) == generation


def test_a_retired_token_is_refused_though_this_process_remembers_it(acme: TestTenant, acme_member: Person):
    body = acme_member.client.post("/api/tokens", {"name": "script"}, format="json").json()
    client = bearer(acme, body["token"])
    assert client.get("/api/auth/me").status_code == 200
    # Revoked behind this process's back, and announced only in Redis (as another worker's revoke is):
    # what this process remembers stays, and is not used.
    with schema_context(acme.schema_name):
        ApiToken.objects.filter(pk=body["id"]).update(revoked_at=timezone.now())
    token_retire(token_hash(body["token"]), acme.schema_name)

    assert client.get("/api/auth/me").json() == REFUSED


def test_the_retired_list_is_per_company(acme: TestTenant, acme_member: Person, globex: TestTenant):
    body = acme_member.client.post("/api/tokens", {"name": "script"}, format="json").json()
    client = bearer(acme, body["token"])
    assert client.get("/api/auth/me").status_code == 200

    token_retire(token_hash(body["token"]), globex.schema_name)

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/auth/me").status_code == 200
    assert token_queries(captured) == 0
    acme_retired = get_redis_connection("default").get(retired_key(acme.schema_name)) or b""
    assert token_hash(body["token"])[:16].encode() not in acme_retired


def test_a_full_retired_list_gives_way_to_a_new_generation(acme: TestTenant, acme_member: Person):
    kept = bearer(acme, acme_member.client.post("/api/tokens", {"name": "kept"}, format="json").json()["token"])
    assert kept.get("/api/auth/me").status_code == 200
    redis = get_redis_connection("default")
    generation = redis.get(generation_key(acme.schema_name))
    redis.delete(retired_key(acme.schema_name))  # what earlier tests' revokes left

    for number in range(RETIRED_MAX):
        token_retire(f"{number:064x}", acme.schema_name)
    assert redis.get(generation_key(acme.schema_name)) == generation
    assert 0 < redis.ttl(retired_key(acme.schema_name)) <= RETIRED_SECONDS
    token_retire("f" * 64, acme.schema_name)

    assert redis.get(generation_key(acme.schema_name)) != generation
    assert redis.get(retired_key(acme.schema_name)) is None
    with CaptureQueriesContext(connection) as captured:
        assert kept.get("/api/auth/me").status_code == 200
    assert token_queries(captured) == 1
