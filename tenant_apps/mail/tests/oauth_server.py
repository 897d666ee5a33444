"""A small OAuth2 authorization server on loopback, in the test process: authorize (code + PKCE S256), token
(authorization_code and refresh_token grants), revocation (RFC 7009) and introspection (RFC 7662), and userinfo.

Dovecot's oauth2 passdb and the test SMTP server ask its introspection endpoint whose a token is, so a login
with XOAUTH2 works exactly as long as this server says the token is active.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

CLIENT_ID = "atrium-test-client"
CLIENT_SECRET = "atrium-test-secret"  # noqa: S105


@dataclass
class Grant:
    email: str
    refresh_token: str
    revoked: bool = False


@dataclass
class AccessToken:
    grant: Grant
    expires_at: float


@dataclass
class PendingCode:
    email: str
    redirect_uri: str
    code_challenge: str
    client_id: str


@dataclass
class OAuthTestServer:
    """State of the authorization server; the HTTP handler below reads and changes it."""

    # Who "approves" at the authorize endpoint; None answers access_denied.
    approving_user: str | None = None
    access_token_seconds: int = 3600
    codes: dict[str, PendingCode] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    access_tokens: dict[str, AccessToken] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    # Revocation requests as received (form fields, and whether the client authenticated); a status other than
    # 200 here makes the endpoint fail with it, as a provider having a bad day.
    revocations: list[dict[str, str]] = field(default_factory=list)
    revocation_status: int = 200
    introspections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0
    _httpd: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        server = self

        class Handler(_Handler):
            state = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._httpd.server_address[1])
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    # --- what tests do to it ------------------------------------------------------------------------------------
    def revoke_user(self, email: str) -> None:
        """The user removed the app's access at the provider: refresh and access tokens stop working."""
        with self.lock:
            for grant in self.grants.values():
                if grant.email == email:
                    grant.revoked = True

    def expire_access_tokens(self, email: str) -> None:
        with self.lock:
            for token in self.access_tokens.values():
                if token.grant.email == email:
                    token.expires_at = 0

    def active_email(self, access_token: str) -> str | None:
        with self.lock:
            token = self.access_tokens.get(access_token)
            if token is None or token.grant.revoked or token.expires_at < time.time():
                return None
            return token.grant.email

    def refresh_count(self, email: str) -> int:
        refresh_tokens = {grant.refresh_token for grant in self.grants.values() if grant.email == email}
        return sum(
            1
            for request in self.token_requests
            if request.get("grant_type") == "refresh_token" and request.get("refresh_token") in refresh_tokens
        )

    # --- grants ---------------------------------------------------------------------------------------------------
    def _access_token_issue(self, grant: Grant) -> dict[str, Any]:
        token = secrets.token_urlsafe(24)
        self.access_tokens[token] = AccessToken(grant=grant, expires_at=time.time() + self.access_token_seconds)
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.access_token_seconds,
            "refresh_token": grant.refresh_token,
            "scope": "mail",
        }


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


class _Handler(BaseHTTPRequestHandler):
    state: OAuthTestServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        return

    def _json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        parsed = parse_qs(self.rfile.read(length).decode())
        return {key: values[0] for key, values in parsed.items()}

    def _client_ok(self, form: dict[str, str]) -> bool:
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        return client_id == CLIENT_ID and secret == CLIENT_SECRET

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        url = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        if url.path == "/authorize":
            self._authorize(query)
        elif url.path == "/userinfo":
            email = self.state.active_email(self.headers.get("Authorization", "").removeprefix("Bearer "))
            self._json(200, {"email": email}) if email else self._json(401, {"error": "invalid_token"})
        else:
            self._json(404, {"error": "not_found"})

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        form = self._form()
        path = urlsplit(self.path).path
        if path == "/token":
            self._token(form)
        elif path == "/introspect":
            with self.state.lock:
                self.state.introspections += 1
            email = self.state.active_email(form.get("token", ""))
            self._json(200, {"active": True, "email": email} if email else {"active": False})
        elif path == "/revoke":
            self._revoke(form)
        else:
            self._json(404, {"error": "not_found"})

    def _revoke(self, form: dict[str, str]) -> None:
        """RFC 7009: the client authenticates; a refresh token ends its grant (and so every access token of it),
        an access token ends itself; an unknown token is answered 200 all the same."""
        with self.state.lock:
            self.state.revocations.append({**form, "client_authenticated": str(self._client_ok(form))})
            if self.state.revocation_status != 200:
                self._json(self.state.revocation_status, {"error": "temporarily_unavailable"})
                return
            if not self._client_ok(form):
                self._json(401, {"error": "invalid_client"})
                return
            token = form.get("token", "")
            for grant in self.state.grants.values():
                if grant.refresh_token == token:
                    grant.revoked = True
            access = self.state.access_tokens.get(token)
            if access is not None:
                access.expires_at = 0
        self._json(200, {})

    def _authorize(self, query: dict[str, str]) -> None:
        redirect_uri = query.get("redirect_uri", "")
        state = query.get("state", "")
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            self._json(400, {"error": "invalid_request"})
            return
        user = self.state.approving_user
        if user is None:
            answer = {"error": "access_denied", "error_description": "The user said no", "state": state}
        elif query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            answer = {"error": "invalid_request", "error_description": "PKCE S256 is required", "state": state}
        else:
            code = secrets.token_urlsafe(16)
            with self.state.lock:
                self.state.codes[code] = PendingCode(user, redirect_uri, query["code_challenge"], CLIENT_ID)
            answer = {"code": code, "state": state}
        self.send_response(302)
        self.send_header("Location", f"{redirect_uri}?{urlencode(answer)}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _token(self, form: dict[str, str]) -> None:
        with self.state.lock:
            self.state.token_requests.append(form)
        if not self._client_ok(form):
            self._json(401, {"error": "invalid_client"})
            return
        if form.get("grant_type") == "authorization_code":
            self._code_grant(form)
        elif form.get("grant_type") == "refresh_token":
            with self.state.lock:
                grant = self.state.grants.get(form.get("refresh_token", ""))
                if grant is None or grant.revoked:
                    answer = None
                else:
                    answer = self.state._access_token_issue(grant)
            if answer is None:
                self._json(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
            else:
                self._json(200, answer)
        else:
            self._json(400, {"error": "unsupported_grant_type"})

    def _code_grant(self, form: dict[str, str]) -> None:
        with self.state.lock:
            pending = self.state.codes.pop(form.get("code", ""), None)
            if (
                pending is None
                or pending.redirect_uri != form.get("redirect_uri")
                or _s256(form.get("code_verifier", "")) != pending.code_challenge
            ):
                answer = None
            else:
                grant = Grant(email=pending.email, refresh_token=secrets.token_urlsafe(24))
                self.state.grants[grant.refresh_token] = grant
                answer = self.state._access_token_issue(grant)
        if answer is None:
            self._json(400, {"error": "invalid_grant", "error_description": "Bad code, redirect URI or verifier."})
        else:
            self._json(200, answer)
