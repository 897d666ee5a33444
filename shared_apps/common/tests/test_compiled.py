"""Compiled querysets give what the ORM gives: same SQL, same rows and values, in the real test tenants."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Model, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.common.compiled import CompiledQuery
from shared_apps.common.testing import TestTenant
from tenant_apps.accounts.models import Invitation, Role, User
from tenant_apps.accounts.tests.conftest import Person, user_make
from tenant_apps.portal import search


def fields_of(instances: list[Any]) -> list[dict[str, Any]]:
    """Every loaded attribute of each instance (related objects from select_related included), in order."""
    rows = []
    for instance in instances:
        row = {name: value for name, value in vars(instance).items() if name != "_state"}
        row["_cached"] = {
            name: None if value is None else fields_of([value])[0]
            for name, value in instance._state.fields_cache.items()
        }
        rows.append(row)
    return rows


SEARCH_PATH = re.compile(r"^SET search_path = [^;]*(; )?")


def sql_of(run: Any) -> tuple[list[str], Any]:
    with CaptureQueriesContext(connection) as queries:
        result = run()
    # The search_path is set on a connection's first query in a schema (on its own or in front of the query, see
    # config/postgresql); that is not the query's.
    statements = [SEARCH_PATH.sub("", query["sql"]) for query in queries.captured_queries]
    return [sql for sql in statements if sql], result


@pytest.fixture
def people(acme: TestTenant) -> list[int]:
    # Names with LIKE's wildcards and escape: a value escaped differently from the ORM would match others.
    names = ["50% off", "50x off", "a_b", "axb", "back\\slash", "Zoë", "anna"]
    return [user_make(acme, email=f"p{index}@example.test", full_name=name) for index, name in enumerate(names)]


USERS = CompiledQuery(User, lambda: User.objects.all())


@pytest.mark.parametrize("ordering", [("-id",), ("id",)])
@pytest.mark.parametrize("lookup", ["id__lt", "id__gt"])
@pytest.mark.parametrize(("start", "stop"), [(0, 3), (1, 4), (0, 51)])
def test_narrowed_and_sliced_like_a_queryset_gives_the_orms_sql_and_rows(
    acme: TestTenant, people: list[int], ordering, lookup, start, stop
):
    position = str(people[3])  # DRF's cursor hands the position over as text
    with schema_context(acme.schema_name):
        orm_sql, orm_rows = sql_of(
            lambda: list(User.objects.all().order_by(*ordering).filter(**{lookup: position})[start:stop])
        )
        compiled_sql, compiled_rows = sql_of(
            lambda: USERS.query().order_by(*ordering).filter(**{lookup: position})[start:stop]
        )
        # A second run takes the remembered shape and must still agree.
        again_sql, again_rows = sql_of(
            lambda: USERS.query().order_by(*ordering).filter(**{lookup: position})[start:stop]
        )

    assert orm_rows, "the case must select something"
    assert compiled_sql == orm_sql == again_sql
    assert fields_of(compiled_rows) == fields_of(orm_rows) == fields_of(again_rows)
    assert all(isinstance(user.date_joined.tzinfo, type(orm_rows[0].date_joined.tzinfo)) for user in compiled_rows)


PEOPLE = CompiledQuery(
    User,
    lambda text: User.objects.filter(Q(full_name__icontains=text) | Q(email__icontains=text)).only("id", "full_name"),
)


@pytest.mark.parametrize("text", ["50%", "a_b", "back\\", "ZOË", "x", "nobody"])
def test_like_values_are_escaped_as_the_orm_escapes_them(acme: TestTenant, people: list[int], text: str):
    with schema_context(acme.schema_name):
        orm_sql, orm_rows = sql_of(
            lambda: list(
                User.objects.filter(Q(full_name__icontains=text) | Q(email__icontains=text)).only("id", "full_name")
            )
        )
        compiled_sql, compiled_rows = sql_of(lambda: list(PEOPLE.query(text=text)))

    assert compiled_sql == orm_sql
    assert fields_of(compiled_rows) == fields_of(orm_rows)


def test_select_related_rows_and_their_datetimes_match_the_orm(acme: TestTenant, acme_owner: Person):
    invitations = CompiledQuery(Invitation, lambda: Invitation.objects.select_related("invited_by"))
    with schema_context(acme.schema_name):
        inviter = User.objects.get(pk=acme_owner.id)
        for index in range(3):
            Invitation.objects.create(
                email=f"i{index}@example.test",
                role=Role.MEMBER,
                invited_by=inviter if index != 1 else None,
                nonce_hash=f"{index:064d}",
                expires_at=timezone.now() + timedelta(days=index),
            )
        orm_sql, orm_rows = sql_of(lambda: list(Invitation.objects.select_related("invited_by").order_by("-id")[:10]))
        compiled_sql, compiled_rows = sql_of(lambda: invitations.query().order_by("-id")[:10])

    assert compiled_sql == orm_sql
    assert len(compiled_rows) == 3
    assert fields_of(compiled_rows) == fields_of(orm_rows)
    assert compiled_rows[0].invited_by.email == acme_owner.email
    assert compiled_rows[1].invited_by is None


def test_annotated_search_of_mail_matches_the_orm(acme: TestTenant, acme_owner: Person):
    with schema_context(acme.schema_name):
        actor = User.objects.get(pk=acme_owner.id)
        orm_sql, orm_rows = sql_of(lambda: list(search._messages_matching(actor, "hel:*")[:5]))
        compiled_sql, compiled_rows = sql_of(lambda: search._MESSAGES.query(actor=actor, tsquery="hel:*")[:5])

    assert compiled_sql == orm_sql
    assert fields_of(compiled_rows) == fields_of(orm_rows)


def test_a_builder_whose_sql_changes_with_the_clock_is_refused(acme: TestTenant):
    recent = CompiledQuery(User, lambda: User.objects.filter(date_joined__lt=timezone.now()))

    with schema_context(acme.schema_name), pytest.raises(ImproperlyConfigured, match="beyond their parameters"):
        list(recent.query())


def test_booleans_are_shape_not_values(acme: TestTenant):
    active = CompiledQuery(User, lambda is_active: User.objects.filter(is_active=is_active))

    with schema_context(acme.schema_name), pytest.raises(ImproperlyConfigured, match="booleans or None"):
        list(active.query(is_active=True))


def test_remembered_shapes_are_bounded(acme: TestTenant, people: list[int]):
    bounded = CompiledQuery(User, lambda: User.objects.all(), max_shapes=2)

    with schema_context(acme.schema_name):
        pages = [bounded.query()[0:stop] for stop in (1, 2, 3)]

    assert [len(page) for page in pages] == [1, 2, 3]
    assert len(bounded._shapes) == 2


def test_one_shape_serves_two_companies_without_mixing_their_rows(acme: TestTenant, globex: TestTenant):
    user_make(acme, email="only-acme@example.test")
    user_make(globex, email="only-globex@example.test")
    users = CompiledQuery(User, lambda: User.objects.all())

    with schema_context(acme.schema_name):
        acme_emails = {user.email for user in users.query()}
    with schema_context(globex.schema_name):
        globex_emails = {user.email for user in users.query()}

    assert "only-acme@example.test" in acme_emails
    assert "only-globex@example.test" not in acme_emails
    assert "only-globex@example.test" in globex_emails
    assert "only-acme@example.test" not in globex_emails
    assert len(users._shapes) == 1


def test_model_instances_are_passed_by_primary_key(acme: TestTenant, acme_owner: Person):
    by_user = CompiledQuery(User, lambda user: User.objects.filter(pk=user.pk))

    with schema_context(acme.schema_name):
        owner: Model = User.objects.get(pk=acme_owner.id)
        found = list(by_user.query(user=owner))

    assert [user.pk for user in found] == [acme_owner.id]


def test_four_threads_compiling_and_evicting_shapes_at_once_each_get_the_orms_sql(acme: TestTenant):
    # Each thread has its own connection and sees only committed rows, so the SQL is what is compared; the small
    # table makes the threads evict each other's shapes while they run.
    shared = CompiledQuery(User, lambda user_id: User.objects.filter(id__gte=user_id), max_shapes=3)
    failures: list[BaseException] = []

    def read(thread: int) -> None:
        try:
            with schema_context(acme.schema_name):
                for round_ in range(30):
                    stop = 1 + (thread + round_) % 6
                    orm_sql, orm_rows = sql_of(
                        lambda first=round_, stop=stop: list(User.objects.filter(id__gte=first)[0:stop])
                    )
                    compiled_sql, compiled_rows = sql_of(
                        lambda first=round_, stop=stop: shared.query(user_id=first)[0:stop]
                    )
                    assert compiled_sql == orm_sql
                    assert fields_of(compiled_rows) == fields_of(orm_rows)
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=read, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert len(shared._shapes) <= 3
