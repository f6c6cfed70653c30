"""Template helpers of the desk: dates in the viewer's calendar, history values."""

from __future__ import annotations

import datetime
from typing import Any

import jdatetime
from django import template
from django.core.exceptions import FieldDoesNotExist
from django.forms import BoundField
from django.template import loader
from django.template.defaultfilters import filesizeformat, linebreaks_filter
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markupsafe import Markup, escape

from relaydesk.desk.listing import LINK_PLACEHOLDER, link_each
from relaydesk.tickets.attachments import relink_inline
from relaydesk.tickets.models import Channel, CustomField, Message, MessageKind, Priority, Ticket

register = template.Library()


@register.filter
def portal_html(message: Message) -> str:
    """A message's stored (sanitized) HTML with inline images served by the portal."""
    return relink_inline(message, "portal:attachment")


PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _solar_hijri(value: datetime.datetime | datetime.date, with_time: bool) -> str:
    if isinstance(value, datetime.datetime):
        shown = jdatetime.datetime.fromgregorian(datetime=value)
        text = shown.strftime("%Y/%m/%d %H:%M" if with_time else "%Y/%m/%d")
    else:
        text = jdatetime.date.fromgregorian(date=value).strftime("%Y/%m/%d")
    return text.translate(PERSIAN_DIGITS)


@register.filter
def when(value: Any, style: str = "datetime") -> str:
    """A date or time in the viewer's time zone: Solar Hijri with Persian digits for Persian
    viewers, the language's own short format for everyone else. `style` is "datetime" or
    "date"."""
    if not isinstance(value, datetime.date):
        return ""
    with_time = style != "date" and isinstance(value, datetime.datetime)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if translation.get_language() == "fa":
        return _solar_hijri(value, with_time)
    return formats.date_format(value, "SHORT_DATETIME_FORMAT" if with_time else "SHORT_DATE_FORMAT")


def time_element(value: datetime.datetime, style: str = "datetime") -> Markup:
    """`<time datetime="…">…</time>` for the Jinja2 fragments: the instant in ISO 8601 in the
    viewer's time zone (as Django's `|date:'c'`) for machines, `when` for people."""
    shown = timezone.localtime(value)
    # ISO 8601 needs no escaping; Markup.format costs more than the rest (a row has two).
    text = escape(when(shown, style))
    return Markup(f'<time datetime="{shown.isoformat()}">{text}</time>')  # noqa: S704


@register.filter
def field_label(name: str) -> str:
    """The label of a ticket field named in a history line (`custom:<key>` for custom ones)."""
    if name.startswith("custom:"):
        key = name.removeprefix("custom:")
        label = CustomField.objects.filter(key=key).values_list("label", flat=True).first()
        return label or key
    try:
        return str(getattr(Ticket._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name


@register.filter
def shown(value: Any) -> str:
    """A value kept in history (`{"id", "label"}`, a list of tags, or nothing) as text."""
    if value is None or value == "" or value == []:
        return _("(none)")
    if isinstance(value, dict):
        return str(value.get("label", value.get("id", "")))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


@register.filter
def hours(minutes: int) -> str:
    hours_part, rest = divmod(int(minutes or 0), 60)
    return _("%(h)dh %(m)02dm") % {"h": hours_part, "m": rest}


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.simple_tag
def status_badge(ticket: Ticket) -> SafeString:
    """The ticket's status as a coloured badge, and "Archived" on an archived one (lists show
    one per row: built in Python)."""
    badge = format_html(
        '<span class="badge status-{}">{}</span>', ticket.status, ticket.status_label
    )
    if ticket.archived_at is None:
        return badge
    return format_html('{} <span class="badge status-archived">{}</span>', badge, _("Archived"))


DJANGO_FIELD_TEMPLATE = "django/forms/field.html"


@register.simple_tag
def field_group(field: BoundField) -> SafeString:
    """`{% field_group field %}` (desk/_field.html): the field's label, help, errors and widget
    in a `div.field`, written as Django's field template writes them without rendering that
    template per field (a fifth of the ticket page's side panel). A field in a fieldset
    (radios, checkboxes) or with a template of its own is rendered by Django."""
    errors = field.errors
    if field.use_fieldset or field.template_name != DJANGO_FIELD_TEMPLATE:
        group = field.as_field_group()
    else:
        label = field.label_tag() if field.label else ""
        help_text = (
            format_html(
                '<div class="helptext"{}>{}</div>',
                format_html(' id="{}_helptext"', field.auto_id) if field.auto_id else "",
                mark_safe(field.help_text),  # noqa: S308 - as Django's `|safe` in field.html
            )
            if field.help_text
            else ""
        )
        shown_errors = str(errors) if errors else ""
        group = mark_safe(f"\n  {label}\n\n{help_text}\n{shown_errors}\n{field}".strip())  # noqa: S308
    return format_html('<div class="field{}">{}</div>', " has-error" if errors else "", group)


@register.filter
def instant(value: Any) -> datetime.datetime | None:
    """An ISO 8601 instant kept in history, as a datetime for `when`."""
    try:
        return datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None


@register.simple_tag
def ticket_rows(tickets: list[Ticket], show: dict[str, bool]) -> SafeString:
    """`{% ticket_rows page.tickets show %}`: the list's rows, rendered by Jinja2 (a tenth of
    the Django engine's time per row; see relaydesk/core/jinja.py)."""
    from relaydesk.sla.templatetags.sla import sla_countdown

    return _jinja(
        "desk/ticket_rows.jinja",
        tickets=tickets,
        show=show,
        words={"select": _("Select ticket"), "unassigned": _("Unassigned")},
        # Labels once per page: `get_FOO_display()` translates every choice on each call.
        channels={value: str(label) for value, label in Channel.choices},
        priorities={value: str(label) for value, label in Priority.choices},
        status_badge=status_badge,
        sla_countdown=sla_countdown,
        time_element=time_element,
    )


@register.simple_tag
def search_hits(results: Any) -> SafeString:
    """`{% search_hits results %}`: the search page's ticket hits with their snippets, rendered
    by Jinja2 like the list's rows."""
    tickets = results.page.tickets
    link_each(tickets)
    return _jinja(
        "search/hits.jinja",
        tickets=tickets,
        snippets=results.snippets,
        words={"unassigned": _("Unassigned")},
        channels={value: str(label) for value, label in Channel.choices},
        status_badge=status_badge,
        time_element=time_element,
    )


def _jinja(name: str, **context: Any) -> SafeString:
    """A fragment rendered by the Jinja2 engine (relaydesk/core/jinja.py), autoescaped."""
    template = loader.get_template(name, using="jinja2")
    return mark_safe(template.render(context))  # noqa: S308 - autoescaped by Jinja2


@register.simple_tag(takes_context=True)
def conversation_items(context: template.Context, conversation: Any, ticket: Ticket) -> SafeString:
    """`{% conversation_items conversation ticket %}`: the ticket page's messages, rendered
    by Jinja2 like the list's rows (`conversation` brings the authors, and each message's
    attachments and mails as `files` and `mails`)."""
    attachment = reverse("desk:attachment", args=[LINK_PLACEHOLDER])
    words = {
        "unknown_sender": _("Unknown sender"),
        "automatic": _("%(SITE_NAME)s (automatic)") % {"SITE_NAME": context.get("SITE_NAME")},
        "split": _("Split"),
        "split_title": _("Move this message to a new ticket"),
        "cc": _("Cc"),
        "bcc": _("Bcc"),
        "mailed": _("Mailed"),
        "mail_failed": _("Mail failed"),
        "mail_queued": _("Mail queued"),
    }
    return _jinja(
        "desk/conversation.jinja",
        conversation=conversation,
        editable=context.get("editable"),
        words=words,
        kinds={value: str(label) for value, label in MessageKind.choices},
        split_url=reverse("desk:split", args=[ticket.number]),
        attachment_url=lambda pk: attachment.replace(str(LINK_PLACEHOLDER), str(pk)),
        time_element=time_element,
        linebreaks=linebreaks_filter,
        filesize=filesizeformat,
    )
