"""The committed OpenAPI schemas under frontend/schema/ are exactly what the API generates now."""

from __future__ import annotations

import pytest

from shared_apps.frontend.schemas import REGENERATE_COMMAND, SCHEMA_FILES, schema_text


@pytest.mark.parametrize("schema_file", SCHEMA_FILES, ids=lambda schema_file: schema_file.path.name)
def test_committed_schema_matches_the_api(schema_file):
    # given the schema the frontend's typed client is generated from
    committed = schema_file.path.read_text(encoding="utf-8")

    # when the API's schema is generated from the code
    generated = schema_text(schema_file.urlconf)

    # then they are the same; otherwise the client would drift from the API
    assert committed == generated, (
        f"{schema_file.path.name} is stale: run `{REGENERATE_COMMAND}` and commit frontend/schema/"
    )


def test_schemas_describe_the_routes_the_frontend_calls():
    public = schema_text("config.urls_public")
    tenant = schema_text("config.urls_tenant")

    assert '"/api/signup/verify"' in public
    assert '"/api/subdomains/availability"' in public
    assert '"/api/auth/handoff"' in tenant
    assert '"/api/settings/logo"' in tenant
    assert '"/api/auth/login"' not in public
