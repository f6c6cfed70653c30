"""Satisfaction ratings (PO5): the requester rates a solved request, from the portal or from a
signed link in the mail that told them it was solved."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relaydesk.accounts.models import User
from relaydesk.portal.models import SatisfactionRating, Scale, score_label
from relaydesk.tickets import events
from relaydesk.tickets.models import StatusCategory, Ticket

SALT = "relaydesk.portal.csat"
LINK_MAX_AGE = 30 * 24 * 60 * 60
MAX_COMMENT = 2000
RATABLE = (StatusCategory.SOLVED, StatusCategory.CLOSED)


def scale() -> str:
    return str(settings.CSAT_SCALE)


def choices() -> list[tuple[int, str]]:
    """The scores offered now, best first."""
    if scale() == Scale.GOOD_BAD:
        return [(5, _("Good, I'm satisfied")), (1, _("Bad, I'm unsatisfied"))]
    return [(n, score_label(n, Scale.FIVE)) for n in (5, 4, 3, 2, 1)]


def can_rate(user: User, ticket: Ticket) -> bool:
    return user.pk == ticket.requester_id and user.is_active and ticket.status in RATABLE


def rating_token(ticket: Ticket) -> str:
    return signing.dumps({"t": ticket.pk, "u": ticket.requester_id}, salt=SALT, compress=True)


def ticket_for_token(token: str) -> Ticket | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
        return Ticket.objects.select_related("requester").get(
            pk=int(data["t"]), requester_id=int(data["u"])
        )
    except (signing.BadSignature, Ticket.DoesNotExist, KeyError, TypeError, ValueError):
        return None


@transaction.atomic
def rate(ticket: Ticket, *, actor: User, score: int, comment: str = "") -> SatisfactionRating:
    """Record (or change) the requester's rating; one history line per change."""
    ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
    if not can_rate(actor, ticket):
        if actor.pk != ticket.requester_id:
            raise PermissionDenied(_("Only the requester can rate this request."))
        raise ValidationError({"score": _("Requests can be rated once they are solved.")})
    if isinstance(score, bool) or score not in dict(choices()):
        raise ValidationError({"score": _("Choose one of the offered ratings.")})
    comment = (comment or "").replace("\x00", "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": _("At most %(max)d characters.") % {"max": MAX_COMMENT}})
    rating = SatisfactionRating.objects.filter(ticket=ticket).first()
    before = {"id": rating.score, "label": rating.label} if rating else None
    if rating is None:
        rating = SatisfactionRating(ticket=ticket, requester=actor, scale=scale())
    elif (rating.score, rating.comment) == (score, comment):
        return rating
    rating.score, rating.comment, rating.scale = score, comment, scale()
    rating.updated_at = timezone.now()
    rating.save()
    events.field_changed(
        ticket,
        actor=actor,
        field="satisfaction",
        before=before,
        after={"id": score, "label": rating.label, "comment": comment},
    )
    return rating
