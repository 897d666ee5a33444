"""The accounts lists and the portal search run compiled querysets: through the API they page, and keep two
companies apart, exactly as the ORM did."""

from __future__ import annotations

from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.tests.conftest import Person, user_make


def ids_of(client, path: str, **query) -> tuple[list[int], dict]:
    body = client.get(path, query).json()
    return [row["id"] for row in body["results"]], body


def test_user_pages_forward_and_back_cover_every_user_once_in_order(acme: TestTenant, acme_owner: Person):
    made = [user_make(acme, email=f"page{index}@example.test") for index in range(5)]
    everyone = sorted([*made, acme_owner.id], reverse=True)

    first, body = ids_of(acme_owner.client, "/api/users", page_size=2)
    second, second_body = ids_of(acme_owner.client, body["next"])
    third, third_body = ids_of(acme_owner.client, second_body["next"])
    back, _ = ids_of(acme_owner.client, third_body["previous"])

    assert [*first, *second, *third] == everyone
    assert third_body["next"] is None
    assert back == second


def test_user_detail_and_a_missing_user(acme: TestTenant, acme_owner: Person):
    user_id = user_make(acme, email="detail@example.test", full_name="Dee Tail")

    found = acme_owner.client.get(f"/api/users/{user_id}")
    missing = acme_owner.client.get(f"/api/users/{user_id + 1000}")
    # Beyond the 32-bit id column: the ORM compiled this to "no rows"; the compiled query asks and finds none.
    beyond = acme_owner.client.get("/api/users/3000000000")

    assert found.status_code == 200
    assert found.json()["email"] == "detail@example.test"
    assert found.json()["full_name"] == "Dee Tail"
    assert missing.status_code == 404
    assert beyond.status_code == 404


def test_two_companies_read_only_their_own_people_tokens_and_search_hits(
    acme: TestTenant, globex: TestTenant, acme_owner: Person, globex_owner: Person
):
    acme_user = user_make(acme, email="twin-acme@example.test", full_name="Twin Person")
    globex_user = user_make(globex, email="twin-globex@example.test", full_name="Twin Person")
    acme_owner.client.post("/api/tokens", {"name": "acme token"}, format="json")
    globex_owner.client.post("/api/tokens", {"name": "globex token"}, format="json")

    acme_users, _ = ids_of(acme_owner.client, "/api/users")
    globex_users, _ = ids_of(globex_owner.client, "/api/users")
    acme_tokens = [row["name"] for row in acme_owner.client.get("/api/tokens").json()["results"]]
    globex_tokens = [row["name"] for row in globex_owner.client.get("/api/tokens").json()["results"]]
    acme_hits = acme_owner.client.get("/api/search", {"q": "twin"}).json()["people"]
    globex_hits = globex_owner.client.get("/api/search", {"q": "twin"}).json()["people"]
    acme_detail = acme_owner.client.get(f"/api/users/{globex_user}")

    assert acme_user in acme_users
    assert globex_user in globex_users
    # Ids are per schema and may coincide; emails tell the companies apart.
    assert {row["email"] for row in acme_hits} == {"twin-acme@example.test"}
    assert {row["email"] for row in globex_hits} == {"twin-globex@example.test"}
    assert acme_tokens == ["acme token"]
    assert globex_tokens == ["globex token"]
    assert acme_detail.status_code == 404 or acme_detail.json()["email"] != "twin-globex@example.test"


def test_a_member_lists_only_their_own_tokens(acme: TestTenant, acme_owner: Person, acme_member: Person):
    acme_owner.client.post("/api/tokens", {"name": "owner's"}, format="json")
    acme_member.client.post("/api/tokens", {"name": "member's"}, format="json")

    names = [row["name"] for row in acme_member.client.get("/api/tokens").json()["results"]]

    assert names == ["member's"]
