"""Real HTTP through Debian's nginx (deploy/nginx) to gunicorn + uvicorn: routing by host, TLS, limits, media."""

from __future__ import annotations

import json

from deploy.tests.conftest import (
    CLIENT_MAX_BODY_SIZE,
    CUSTOM_HOST,
    FLOWER_PASSWORD,
    FLOWER_USER,
    LOGIN_BURST,
    MEDIA_CONTENT,
    UNKNOWN_CUSTOM_HOST,
    VERIFIED_HOST,
    cookie_header,
    signed_in_cookies,
    signed_in_headers,
)

SECURITY_HEADERS = {
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
}


def _json(response):
    return json.loads(response.body)


def test_a_tenant_host_reaches_that_tenant(stack, acme, globex):
    cookies = signed_in_cookies(stack, acme.hostname, acme.owner_email)

    me = stack.request("GET", acme.hostname, "/api/auth/me", headers={"Cookie": cookie_header(cookies)})
    elsewhere = stack.request("GET", globex.hostname, "/api/auth/me", headers={"Cookie": cookie_header(cookies)})

    # The login passed Django's CSRF origin check for https://: the app believed nginx's X-Forwarded-Proto.
    assert me.status == 200
    assert _json(me)["email"] == acme.owner_email
    assert elsewhere.status == 401  # acme's session means nothing on globex's host


def test_tenant_pages_come_from_the_static_build_with_security_headers(stack, acme):
    response = stack.request("GET", acme.hostname, "/deals/42")

    assert response.status == 200
    assert b"<h1>Atrium</h1>" in response.body
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "server" not in response.headers or response.headers["server"] == "nginx"


def test_an_unknown_subdomain_gets_the_404_page(stack):
    page = stack.request("GET", "nobody-here.localhost", "/")
    api = stack.request("GET", "nobody-here.localhost", "/api/auth/me")

    assert page.status == 404
    assert b"No company is found at this address." in page.body
    assert page.headers["content-type"] == "text/html"
    assert api.status == 404
    assert _json(api)["error"]["code"] == "unknown_host"


def test_the_apex_and_www_reach_the_public_site(stack, acme):
    page = stack.request("GET", "localhost", "/")
    public_api = stack.request("GET", "www.localhost", "/api/subdomains/availability?subdomain=acme")
    tenant_api = stack.request("GET", "localhost", "/api/auth/me")

    assert page.status == 200
    assert b"<h1>Atrium</h1>" in page.body
    assert public_api.status == 200
    assert _json(public_api)["available"] is False  # acme is taken
    assert tenant_api.status == 404  # the public URLconf has no tenant API


def test_http_redirects_to_https(stack, acme):
    response = stack.request("GET", acme.hostname, "/api/users?cursor=x", tls=False)

    assert response.status == 301
    assert response.headers["location"] == f"https://{acme.hostname}:{stack.https_port}/api/users?cursor=x"


def test_an_oversized_upload_gets_413_from_nginx(stack, acme):
    body = b"x" * (1024 * 1024 + 1)  # CLIENT_MAX_BODY_SIZE is 1m in this session

    response = stack.request(
        "PUT", acme.hostname, "/api/settings/logo", headers={"Content-Type": "image/png"}, body=body
    )

    assert response.status == 413
    assert _json(response)["error"] == {
        "code": "request_too_large",
        "message": f"The request body is larger than {CLIENT_MAX_BODY_SIZE}.",
        "fields": {},
    }
    assert "x-request-id" not in response.headers  # answered by nginx: Django never saw it


def test_media_is_not_readable_without_authorization(stack, acme, globex):
    path = f"/media/tenants/{acme.tenant_id}/report.txt"

    anonymous = stack.request("GET", acme.hostname, path)
    internal = stack.request("GET", acme.hostname, f"/_protected_media/tenants/{acme.tenant_id}/report.txt")
    other_company = stack.request(
        "GET",
        globex.hostname,
        path,
        headers={"Cookie": cookie_header(signed_in_cookies(stack, globex.hostname, globex.owner_email))},
    )

    assert anonymous.status == 401
    assert MEDIA_CONTENT not in anonymous.body
    assert internal.status == 404
    assert MEDIA_CONTENT not in internal.body
    assert other_company.status == 404
    assert MEDIA_CONTENT not in other_company.body


def test_media_is_sent_by_nginx_after_the_app_authorized_it(stack, acme):
    cookies = signed_in_cookies(stack, acme.hostname, acme.owner_email)

    response = stack.request(
        "GET", acme.hostname, f"/media/tenants/{acme.tenant_id}/report.txt", headers={"Cookie": cookie_header(cookies)}
    )

    assert response.status == 200
    assert response.body == MEDIA_CONTENT
    assert "x-accel-redirect" not in response.headers


def test_the_login_rate_limit_bites(stack, acme):
    statuses = []
    answered_by_app = []
    for attempt in range(LOGIN_BURST + 3):
        response = stack.request(
            "POST",
            acme.hostname,
            "/api/auth/login",
            headers={"Content-Type": "application/json"},
            body=json.dumps({"email": f"guess{attempt}@acme.test", "password": "wrong"}).encode(),
            source_ip="127.0.0.77",  # its own client address, so other tests' sign-ins are not throttled
        )
        statuses.append(response.status)
        answered_by_app.append("x-request-id" in response.headers)

    first = statuses[0]
    assert first in (400, 401, 403)
    assert statuses == [first] * (LOGIN_BURST + 1) + [429, 429]
    assert answered_by_app == [True] * (LOGIN_BURST + 1) + [False, False]
    assert _json(response)["error"]["code"] == "rate_limited"


def test_a_custom_domain_routes_to_its_company(stack, acme):
    cookies = signed_in_cookies(stack, CUSTOM_HOST, acme.owner_email)

    me = stack.request("GET", CUSTOM_HOST, "/api/auth/me", headers={"Cookie": cookie_header(cookies)})
    unknown = stack.request("GET", UNKNOWN_CUSTOM_HOST, "/api/auth/me")
    unknown_page = stack.request("GET", UNKNOWN_CUSTOM_HOST, "/")

    assert me.status == 200
    assert _json(me)["email"] == acme.owner_email
    assert unknown.status == 404
    assert _json(unknown)["error"]["code"] == "unknown_host"
    assert unknown_page.status == 404


def test_a_company_adds_verifies_and_removes_its_own_domain_end_to_end(stack, dns_server, acme, django_db_blocker):
    from tenants.models import CustomDomain, Domain

    source = "127.0.0.78"  # its own client address for nginx's sign-in rate limit
    admin_cookies = signed_in_cookies(stack, acme.hostname, acme.owner_email, source_ip=source)
    admin = signed_in_headers(stack, acme.hostname, admin_cookies)
    try:
        added = stack.request(
            "POST", acme.hostname, "/api/domains", headers=admin, body=json.dumps({"hostname": VERIFIED_HOST}).encode()
        )
        assert added.status == 201, added.body
        domain = _json(added)
        before = stack.request("GET", VERIFIED_HOST, "/")
        txt = next(record for record in domain["dns_records"] if record["type"] == "TXT")
        dns_server.serve({txt["name"]: txt["value"]})

        verified = stack.request("POST", acme.hostname, f"/api/domains/{domain['id']}/verify", headers=admin)
        page = stack.request("GET", VERIFIED_HOST, "/")
        # Signing in checks the CSRF origin against the new host; the session cookie is the new host's own.
        cookies = signed_in_cookies(stack, VERIFIED_HOST, acme.owner_email, source_ip=source)
        me = stack.request("GET", VERIFIED_HOST, "/api/auth/me", headers={"Cookie": cookie_header(cookies)})
        removed = stack.request("DELETE", acme.hostname, f"/api/domains/{domain['id']}", headers=admin)
        after = stack.request("GET", VERIFIED_HOST, "/api/auth/me", headers={"Cookie": cookie_header(cookies)})
    finally:
        dns_server.serve({})
        with django_db_blocker.unblock():
            CustomDomain.objects.filter(hostname=VERIFIED_HOST).delete()
            Domain.objects.filter(domain=VERIFIED_HOST).delete()

    assert before.status == 404  # added, not verified: the 404 page
    assert verified.status == 200
    assert _json(verified)["status"] == "verified"
    assert page.status == 200
    assert b"<h1>Atrium</h1>" in page.body
    assert me.status == 200
    assert _json(me)["email"] == acme.owner_email
    assert removed.status == 204
    assert after.status == 404
    assert _json(after)["error"]["code"] == "unknown_host"


def test_flower_needs_the_operations_password(stack, acme):
    import base64

    def basic(user: str, password: str) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}

    anonymous = stack.request("GET", "localhost", "/flower/")
    wrong = stack.request("GET", "localhost", "/flower/", headers=basic(FLOWER_USER, "not-it"))
    right = stack.request("GET", "localhost", "/flower/", headers=basic(FLOWER_USER, FLOWER_PASSWORD))
    on_a_company_host = stack.request("GET", acme.hostname, "/flower/", headers=basic(FLOWER_USER, FLOWER_PASSWORD))

    assert anonymous.status == 401
    assert wrong.status == 401
    assert right.status == 200
    assert b"Flower" in right.body
    assert b"Flower" not in on_a_company_host.body


def test_request_id_passes_through_and_metrics_stay_inside(stack, acme):
    given = stack.request("GET", acme.hostname, "/healthz", headers={"X-Request-ID": "edge-123"})
    made = stack.request("GET", acme.hostname, "/readyz")
    metrics = stack.request("GET", "localhost", "/metrics", headers={"Authorization": "Bearer anything"})

    assert given.status == 200
    assert given.headers["x-request-id"] == "edge-123"
    assert made.status == 200
    assert len(made.headers["x-request-id"]) == 32  # nginx's $request_id
    assert metrics.status == 404


def test_json_answers_are_gzipped(stack, acme):
    response = stack.request("GET", acme.hostname, "/api/schema/", headers={"Accept-Encoding": "gzip"})

    assert response.status == 200
    assert response.headers["content-encoding"] == "gzip"
