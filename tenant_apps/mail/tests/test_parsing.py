"""A corpus of hard messages: every one is parsed without an exception, and what can be read is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenant_apps.mail.parsing.mime import _attachment_bytes, _base64_decoded, _fast_parse, message_parse, mime_parse
from tenant_apps.mail.tests import messages

NESTED = (
    b"From: a@example.org\r\nSubject: Fwd: inner\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nsee below\r\n"
    b"--B\r\nContent-Type: message/rfc822\r\n\r\nFrom: b@example.org\r\nSubject: inner\r\n\r\ninner body\r\n--B--\r\n"
)
CORPUS = {
    "rfc2047_subject": b"From: =?utf-8?q?J=C3=BCrgen?= <j@example.de>\r\nSubject: =?iso-8859-1?q?Gr=FC=DFe?=\r\n\r\nx",
    "latin1_body": b"From: a@b.c\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nca\xe7a\r\n",
    "unknown_charset": b"From: a@b.c\r\nContent-Type: text/plain; charset=x-klingon\r\n\r\nqapla\r\n",
    "eight_bit_header": b"From: J\xfcrgen <j@example.de>\r\nSubject: Gr\xfc\xdfe \xff\r\n\r\nx",
    "no_date_no_id": b"Subject: bare\r\n\r\nbody",
    "bad_date": b"Date: yesterday-ish\r\nSubject: s\r\n\r\nbody",
    "broken_boundary": b"Content-Type: multipart/mixed; boundary=NOPE\r\n\r\n--OTHER\r\nhalf",
    "bad_base64": b"Content-Type: application/pdf; name=x.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!@@@",
    "nul_bytes": b"Subject: nul\x00here\r\n\r\nbody\x00with nul",
    "huge_header": b"Subject: " + b"A" * 200_000 + b"\r\nReferences: " + b"<r@x> " * 5000 + b"\r\n\r\nbody",
    "garbage": bytes(range(256)) * 40,
    "empty": b"",
    "bad_address": b'From: <<<@@@>>>, "unterminated\r\nTo: ;;;,,,\r\n\r\nx',
    "hostile_filename": b"Content-Type: multipart/mixed; boundary=Q\r\n\r\n--Q\r\nContent-Type: text/html\r\n"
    b'Content-Disposition: attachment; filename="../../etc/passwd\x00.html"\r\n\r\n<script>x</script>\r\n--Q--',
    "nested_rfc822": NESTED,
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hard_messages_are_parsed_without_raising(name: str, tmp_path: Path):
    parsed = message_parse(CORPUS[name], blob_root=tmp_path)
    # the raw bytes are always kept
    assert (tmp_path / parsed.raw_sha256[:2] / parsed.raw_sha256).read_bytes() == CORPUS[name]
    assert "\x00" not in parsed.subject + parsed.text_body


def test_what_can_be_read_is_read(tmp_path: Path):
    assert message_parse(CORPUS["rfc2047_subject"], blob_root=None).subject == "Grüße"
    assert message_parse(CORPUS["rfc2047_subject"], blob_root=None).sender.name == "Jürgen"  # type: ignore[union-attr]
    assert message_parse(CORPUS["latin1_body"], blob_root=None).text_body == "caça\r\n"
    assert message_parse(CORPUS["no_date_no_id"], blob_root=None).sent_at is None
    nested = message_parse(NESTED, blob_root=tmp_path)
    assert nested.text_body == "see below"
    assert [(item.filename, item.content_type) for item in nested.attachments] == [("message.eml", "message/rfc822")]
    hostile = message_parse(CORPUS["hostile_filename"], blob_root=tmp_path)
    assert [item.filename for item in hostile.attachments] == ["../../etc/passwd.html"]
    assert len(message_parse(CORPUS["huge_header"], blob_root=None).references) == 100


def test_headers_only_when_truncated():
    parsed = message_parse(b"Subject: big\r\nMessage-ID: <big@x>\r\n\r\n", blob_root=None, truncated=True)
    assert (parsed.subject, parsed.message_id, parsed.truncated, parsed.text_body) == ("big", "big@x", True, "")


MULTIPART = {
    "attachment": messages.with_attachment(),
    "alternative_in_mixed_with_preamble": (
        b'Subject: alt\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="o u t"\r\n\r\n'
        b"This is a preamble.\r\n--o u t\r\nContent-Type: multipart/alternative; boundary=in\r\n\r\n"
        b"--in\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"Gr=FC=DFe\r\n--in\r\nContent-Type: text/html\r\n\r\n<p>Gr&uuml;&szlig;e</p>\r\n--in--\r\n"
        b"--o u t\r\nContent-Type: image/png\r\nContent-ID: <logo>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"iVBORw0KGgo=\r\n--o u t--  \r\nepilogue\r\n"
    ),
    "bare_lf": b"Subject: lf\nContent-Type: multipart/mixed; boundary=B\n\n--B\n\nno headers\n--B--\n",
}


@pytest.mark.parametrize("name", sorted(CORPUS) + sorted(MULTIPART))
def test_the_fast_path_reads_exactly_what_the_standard_parser_reads(name: str):
    raw = CORPUS[name] if name in CORPUS else MULTIPART[name]
    assert message_parse(raw, blob_root=None, fast=True) == message_parse(raw, blob_root=None, fast=False)


def test_well_formed_multipart_takes_the_fast_path_and_odd_mime_does_not():
    assert all(_fast_parse(raw) is not None for raw in MULTIPART.values())
    assert _fast_parse(CORPUS["broken_boundary"]) is None
    assert _fast_parse(CORPUS["nested_rfc822"]) is None


BASE64_BODIES = {
    # name: (body, decoded in C without email's line splitting)
    "lines_crlf": (b"aGVsbG8g\r\nd29ybGQh\r\n", True),
    "lines_lf_padded": (b"aGVsbG8gd29y\nbGQ=\n", True),
    "one_line": (b"AAECAwQFBgcICQ==", True),
    "empty": (b"", True),
    "missing_padding": (b"aGVsbG8gd29ybGQ\r\n", False),
    "spaces_inside": (b"aGVs bG8g\r\nd29y bGQh\r\n", False),
    "junk_characters": (b"aGVs!bG8g*d29ybGQh\r\n", False),
    "padding_in_the_middle": (b"aGk=aGk=\r\n", False),
    "too_long_by_one": (b"aGVsbG8gd\r\n", False),
    "eight_bit": (b"aGVs\xe9bG8g\r\n", False),
}


@pytest.mark.parametrize("name", sorted(BASE64_BODIES))
def test_base64_attachments_decode_exactly_as_email_does(name: str):
    # given an attachment with this base64 body
    body, quick = BASE64_BODIES[name]
    raw = (
        b"Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=a.bin\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + body
    )
    part = mime_parse(raw)
    # when its bytes are read (then the standard way)
    decoded = _attachment_bytes(part)
    standard = mime_parse(raw).get_payload(decode=True)
    # then they are the same, and only well-formed bodies took the quick way
    assert decoded == standard
    assert (_base64_decoded(part) is not None) is quick
