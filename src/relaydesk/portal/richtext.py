"""The new request's description as rich text: the small editor on the page (portal/rich.js)
makes bold, italic, lists and links; whatever arrives is cut down to exactly those with nh3
before anything else sees it (the service sanitises message HTML again, as for mail)."""

from __future__ import annotations

import nh3

from relaydesk.tickets.text import html_to_text

TAGS = {"p", "div", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a"}
ATTRIBUTES = {"a": {"href"}}


def clean(html: str) -> str:
    """Safe HTML with only the editor's formatting, or "" when it holds no text."""
    safe = nh3.clean(
        (html or "").replace("\x00", ""),
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()
    return safe if html_to_text(safe) else ""
