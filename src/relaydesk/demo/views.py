"""Shared views a team lives in (VI2), made by the demo supervisor."""

from __future__ import annotations

from django.utils.translation import gettext as _

from relaydesk.accounts.models import User
from relaydesk.savedviews.services import create_view
from relaydesk.sla.states import State
from relaydesk.tickets.models import Priority, StatusCategory, StatusGroup


def load_views(supervisor: User) -> None:
    views: list[tuple[str, dict[str, object], str]] = [
        (_("My open tickets"), {"queue": "mine"}, "due"),
        (_("Unassigned"), {"queue": "unassigned"}, "created"),
        (_("Urgent"), {"group": StatusGroup.ACTIVE, "priority": Priority.URGENT}, "due"),
        (_("Breaching soon"), {"group": StatusGroup.ACTIVE, "sla": State.AT_RISK}, "due"),
        (_("Waiting for customer"), {"status": StatusCategory.PENDING}, "-updated"),
        (
            _("No activity for a week"),
            {"group": StatusGroup.ACTIVE, "updated": "over_7"},
            "updated",
        ),
    ]
    for name, filters, sort in views:
        create_view(actor=supervisor, name=name, filters=filters, sort=sort, shared=True)
