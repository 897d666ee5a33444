"""tenants_migrate: skips current schemas, migrates the rest in worker processes, resumes after failure."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from tenants.db import connection
from tenants.migrate_all import migrate_all
from tenants.schemas import quote_identifier, schema_drop, schema_is_current, schema_migrate


def migrate_app_to_zero(schema_name: str, app_label: str) -> None:
    """Unapply an app's migrations in a schema, for real, as an older deploy would have left it."""
    connection.set_schema_to_public()
    call_command(
        "migrate_schemas", app_label, "zero", schema_name=schema_name, interactive=False, verbosity=0,
        stdout=io.StringIO(),
    )  # fmt: skip
    connection.set_schema_to_public()


@pytest.fixture
def scratch_schemas(test_tenants, django_db_blocker):
    names = ["zz_behind_one", "zz_behind_two", "zz_current"]
    with django_db_blocker.unblock():
        for name in names:
            schema_migrate(name)
        migrate_app_to_zero("zz_behind_one", "accounts")
        migrate_app_to_zero("zz_behind_two", "sessions")
        yield names
        for name in names:
            schema_drop(name)


def test_migrate_all_skips_current_and_migrates_behind_in_parallel(scratch_schemas, django_db_blocker):
    lines: list[str] = []
    with django_db_blocker.unblock():
        assert not schema_is_current("zz_behind_one")
        assert not schema_is_current("zz_behind_two")

        run = migrate_all(workers=2, include_public=False, schemas=scratch_schemas, progress=lines.append)

        assert run.total == 3
        assert run.skipped == ["zz_current"]
        assert sorted(outcome.schema_name for outcome in run.migrated) == ["zz_behind_one", "zz_behind_two"]
        assert run.failed == []
        assert all(schema_is_current(name) for name in scratch_schemas)
    assert lines[0] == "1 of 3 schemas already current; 2 to migrate"
    counters = sorted(line.split(" ")[0] for line in lines[1:])
    names = sorted(line.split(" ")[1].rstrip(":") for line in lines[1:])
    assert counters == ["[1/2]", "[2/2]"]
    assert names == ["zz_behind_one", "zz_behind_two"]
    assert all(": migrated in " in line for line in lines[1:])


def test_a_failing_schema_is_reported_and_a_rerun_resumes(scratch_schemas, django_db_blocker):
    with django_db_blocker.unblock():
        # A table in the way makes the accounts migration fail in this schema only.
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {quote_identifier('zz_behind_one')}.accounts_user (id int)")

        first = migrate_all(workers=1, include_public=False, schemas=scratch_schemas)

        assert [outcome.schema_name for outcome in first.failed] == ["zz_behind_one"]
        assert "accounts_user" in first.failed[0].error
        assert [outcome.schema_name for outcome in first.migrated] == ["zz_behind_two"]

        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {quote_identifier('zz_behind_one')}.accounts_user")
        second = migrate_all(workers=1, include_public=False, schemas=scratch_schemas)

        assert [outcome.schema_name for outcome in second.migrated] == ["zz_behind_one"]
        assert sorted(second.skipped) == ["zz_behind_two", "zz_current"]
        assert second.failed == []


def test_command_fails_with_the_names_of_failed_schemas(test_tenants, django_db_blocker):
    with django_db_blocker.unblock():
        schema_migrate("zz_broken")
        try:
            migrate_app_to_zero("zz_broken", "accounts")
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE TABLE {quote_identifier('zz_broken')}.accounts_user (id int)")
                cursor.execute("INSERT INTO tenants_spareschema (schema_name, created_at) VALUES ('zz_broken', now())")

            with pytest.raises(CommandError, match=r"1 schema\(s\) failed to migrate: zz_broken"):
                call_command("tenants_migrate", "--workers=1", "--no-refill", stdout=io.StringIO())
        finally:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM tenants_spareschema WHERE schema_name = 'zz_broken'")
            schema_drop("zz_broken")
