"""Article text: Markdown in, safe HTML and searchable plain text out."""

from __future__ import annotations

import markdown
import nh3

from relaydesk.tickets.text import html_to_text

TAGS = {
    *("p", "br", "hr", "h2", "h3", "h4", "blockquote", "pre", "code", "em", "strong"),
    *("ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd"),
}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}}


def render(body: str) -> str:
    """Markdown → HTML that is safe to show: raw HTML in the source is sanitized away."""
    html = markdown.markdown(body, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def normalize(text: str) -> str:
    """How text is kept for search and how queries are compared: case-folded, one space."""
    return " ".join(text.casefold().split())


def search_text(title: str, html: str) -> str:
    return normalize(f"{title} {html_to_text(html)}")
