"""Message bodies: limits, safe HTML and @mentions (TK5)."""

from __future__ import annotations

import html as html_lib
import re
from typing import TYPE_CHECKING

import nh3
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from relaydesk.accounts.models import STAFF_ROLES, User

if TYPE_CHECKING:
    from relaydesk.tickets.models import Ticket

MAX_BODY_CHARS = 200_000
MAX_MENTIONS = 10
_MENTION = re.compile(r"(?<![\w@])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)")
_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"</(p|div|li|h[1-6]|tr|blockquote)>|<br\s*/?>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def html_to_text(value: str) -> str:
    value = _BLOCK_END.sub("\n", value)
    value = html_lib.unescape(_TAG.sub("", value))
    value = _SPACES.sub(" ", value)
    return _BLANK_LINES.sub("\n\n", value).strip()


def sanitize_html(value: str) -> str:
    """HTML from outside, made safe to show: no scripts, handlers, styles or foreign frames."""
    return nh3.clean(
        value,
        url_schemes={"http", "https", "mailto", "tel", "cid"},
        link_rel="noopener noreferrer nofollow",
    )


def clean_body(text: str, html: str) -> tuple[str, str]:
    """Returns (text, sanitized html). Text is required (derived from HTML if only that came)."""
    text = (text or "").replace("\r\n", "\n").replace("\x00", "").strip()
    html = (html or "").strip()
    if len(text) > MAX_BODY_CHARS or len(html) > 4 * MAX_BODY_CHARS:
        raise ValidationError(
            {"body": _("The message is longer than %(max)d characters.") % {"max": MAX_BODY_CHARS}}
        )
    safe_html = sanitize_html(html) if html else ""
    if not text and safe_html:
        text = html_to_text(safe_html)
    return text, safe_html


def find_mentions(text: str, *, visible_to: Ticket) -> list[User]:
    """Agents named as `@name` (the part of their address before @) or `@address` who can see
    the ticket."""
    from relaydesk.tickets.visibility import visible_tickets

    tokens = list(dict.fromkeys(m.lower().rstrip(".") for m in _MENTION.findall(text)))
    if not tokens:
        return []
    query = Q()
    for token in tokens[:MAX_MENTIONS]:
        query |= Q(email=token) if "@" in token else Q(email__istartswith=f"{token}@")
    candidates = User.objects.filter(query, role__in=STAFF_ROLES, is_active=True)
    return [
        agent for agent in candidates if visible_tickets(agent).filter(pk=visible_to.pk).exists()
    ]
