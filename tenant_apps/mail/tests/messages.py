"""Test messages, built by hand as bytes, like a mail client would send them."""

from __future__ import annotations


def simple(
    subject: str = "Hello",
    *,
    sender: str = "Ann Example <ann@example.org>",
    to: str = "bob@example.test",
    message_id: str = "<m1@example.org>",
    body: str = "Hi Bob,\r\nsee you.\r\n",
    extra_headers: str = "",
    date: str = "Mon, 02 Mar 2026 10:00:00 +0100",
) -> bytes:
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: {message_id}\r\n"
        f"{extra_headers}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    ).encode()


def with_attachment(subject: str = "Report", *, message_id: str = "<att@example.org>") -> bytes:
    return (
        "From: ann@example.org\r\nTo: bob@example.test\r\n"
        f"Subject: {subject}\r\nMessage-ID: {message_id}\r\nDate: Tue, 03 Mar 2026 09:00:00 +0000\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XYZ\r\n\r\n"
        "--XYZ\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        '<p onclick="steal()">Numbers <b>attached</b><script>alert(1)</script>'
        '<img src="https://tracker.example/p.gif"></p>\r\n'
        '--XYZ\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="q1.pdf"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcfsj6IK\r\n--XYZ--\r\n"
    ).encode()
