"""HTML bodies made safe for a browser: no scripts, no event handlers, no forms, no remote images unless allowed."""

from __future__ import annotations

import html
from dataclasses import dataclass

import nh3

BLOCKED_TAGS = {"form", "input", "button", "select", "option", "textarea", "script", "style", "iframe", "object"}
ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) - BLOCKED_TAGS
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    tag: set(attributes) for tag, attributes in nh3.ALLOWED_ATTRIBUTES.items() if tag in ALLOWED_TAGS
}
ALLOWED_ATTRIBUTES.setdefault("img", set()).update({"src", "alt", "width", "height"})
for _tag in ("td", "th", "table", "tr", "p", "div", "span", "font"):
    ALLOWED_ATTRIBUTES.setdefault(_tag, set()).update({"align", "width", "height", "color"})
URL_SCHEMES = {"http", "https", "mailto", "cid"}


@dataclass(frozen=True)
class SanitizedHtml:
    html: str
    has_remote_images: bool


def html_sanitize(source: str, *, allow_remote_images: bool = False) -> SanitizedHtml:
    remote_seen = False

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        nonlocal remote_seen
        if tag == "img" and attribute == "src":
            if value.lower().startswith("cid:"):
                return value
            if value.lower().startswith(("http:", "https:", "//")):
                remote_seen = True
                return value if allow_remote_images else None
            return None
        return value

    cleaned = nh3.clean(
        source,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return SanitizedHtml(html=cleaned, has_remote_images=remote_seen)


def html_to_text(source: str) -> str:
    """Readable text of an HTML body, for search and the snippet when a message has no text part."""
    text = nh3.clean(source, tags=set(), clean_content_tags={"script", "style", "head", "title"})
    return " ".join(html.unescape(text).split())
