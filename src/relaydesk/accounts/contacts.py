"""Changes to contacts and organizations made in the desk (PO6): details, further addresses
and phone numbers, notes, and merging two contacts who are one person.

Each action is keyword-only and atomic, checks the actor's right through the visibility door
and raises `PermissionDenied` or `ValidationError` leaving nothing behind."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from relaydesk.accounts.models import ContactEmail, ContactPhone, Organization, User
from relaydesk.accounts.services import MAX_NAME
from relaydesk.mail.models import TicketCC
from relaydesk.portal.models import SatisfactionRating
from relaydesk.tickets import services as ticket_services
from relaydesk.tickets.visibility import (
    can_edit_contact,
    can_edit_organization,
    can_merge_contacts,
)

MAX_NOTES = 10_000
MAX_PHONE = 40
MAX_EXTRA = 20  # further addresses or numbers per contact


def _require_edit(actor: User, contact: User) -> None:
    if not can_edit_contact(actor, contact):
        raise PermissionDenied(_("You may not change this contact."))


def _clean_notes(notes: str) -> str:
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES:
        raise ValidationError({"notes": _("Notes are too long.")})
    return notes


def clean_phone(number: str) -> str:
    number = " ".join((number or "").split())
    if len(number) > MAX_PHONE or any(c not in "+0123456789 ()-./" for c in number):
        raise ValidationError({"phone": _("Enter a phone number (digits, spaces, + - ( ) .).")})
    return number


@transaction.atomic
def update_contact(
    contact: User,
    *,
    actor: User,
    name: str,
    phone: str,
    organization: Organization | None,
    notes: str,
) -> User:
    _require_edit(actor, contact)
    contact.name = " ".join((name or "").split())[:MAX_NAME]
    contact.phone = clean_phone(phone)
    contact.organization = organization
    contact.notes = _clean_notes(notes)
    contact.save(update_fields=["name", "phone", "organization", "notes"])
    return contact


@transaction.atomic
def add_email(contact: User, *, actor: User, email: str) -> ContactEmail:
    """A further address for the contact. An address someone already has is refused: two
    people with one address are merged instead."""
    _require_edit(actor, contact)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}) from None
    taken = ValidationError({"email": _("Someone already uses this address.")})
    if (
        User.objects.filter(email=email).exists()
        or ContactEmail.objects.filter(email=email).exists()
    ):
        raise taken
    if contact.extra_emails.count() >= MAX_EXTRA:
        raise ValidationError({"email": _("A contact has at most 20 further addresses.")})
    try:
        with transaction.atomic():
            return ContactEmail.objects.create(user=contact, email=email)
    except IntegrityError:  # added meanwhile by another request
        raise taken from None


@transaction.atomic
def remove_email(contact: User, *, actor: User, address_id: int) -> None:
    _require_edit(actor, contact)
    contact.extra_emails.filter(pk=address_id).delete()


@transaction.atomic
def add_phone(contact: User, *, actor: User, number: str) -> ContactPhone:
    _require_edit(actor, contact)
    number = clean_phone(number)
    if not number:
        raise ValidationError({"phone": _("Enter a phone number.")})
    if number == contact.phone or contact.extra_phones.filter(number=number).exists():
        raise ValidationError({"phone": _("The contact already has this number.")})
    if contact.extra_phones.count() >= MAX_EXTRA:
        raise ValidationError({"phone": _("A contact has at most 20 further numbers.")})
    return ContactPhone.objects.create(user=contact, number=number)


@transaction.atomic
def remove_phone(contact: User, *, actor: User, phone_id: int) -> None:
    _require_edit(actor, contact)
    contact.extra_phones.filter(pk=phone_id).delete()


@transaction.atomic
def update_organization_notes(
    organization: Organization, *, actor: User, notes: str
) -> Organization:
    if not can_edit_organization(actor, organization):
        raise PermissionDenied(_("You may not change this organization."))
    organization.notes = _clean_notes(notes)
    organization.save(update_fields=["notes"])
    return organization


def _move_mail_copies(source: User, target: User) -> None:
    """The source's places on tickets' mail copies (Cc) go to the target, except where the
    target already is copied or now asks the ticket itself."""
    copies = TicketCC.objects.filter(user=source)
    copies.filter(Q(ticket__requester=target) | Q(ticket__mail_ccs__user=target)).delete()
    copies.update(user=target)


@transaction.atomic
def merge_contacts(*, source: User, target: User, actor: User) -> User:
    """`source` and `target` are one person: the source's requests (each with a history line),
    ratings, mail copies, addresses, phone numbers, notes and organization move to the
    target; the source is kept, deactivated, so old history still names it, and its address
    keeps finding the target."""
    if source.pk == target.pk:
        raise ValidationError({"source": _("Choose another contact to merge.")})
    if not (source.is_customer and target.is_customer):
        raise ValidationError({"source": _("Only customers can be merged.")})
    if not can_merge_contacts(actor, source, target):
        raise PermissionDenied(_("You may not merge these contacts."))
    first, second = sorted((source.pk, target.pk))  # rows locked in pk order: no deadlock
    locked = {u.pk: u for u in User.objects.select_for_update().filter(pk__in=(first, second))}
    source, target = locked[source.pk], locked[target.pk]
    if not target.is_active:
        raise ValidationError({"target": _("This contact's account is disabled.")})
    if not source.is_active:
        raise ValidationError({"source": _("This contact was already merged or disabled.")})

    ticket_services.move_requests(source=source, target=target, actor=actor)
    SatisfactionRating.objects.filter(requester=source).update(requester=target)
    _move_mail_copies(source, target)
    source.extra_emails.update(user=target)
    ContactEmail.objects.create(user=target, email=source.email)
    known = {target.phone, *target.extra_phones.values_list("number", flat=True)}
    for number in [source.phone, *source.extra_phones.values_list("number", flat=True)]:
        if number and number not in known:
            ContactPhone.objects.create(user=target, number=number)
            known.add(number)
    source.extra_phones.all().delete()
    if target.organization_id is None and source.organization_id is not None:
        target.organization_id = source.organization_id
    if source.notes:
        target.notes = "\n\n".join(n for n in (target.notes, source.notes) if n)[:MAX_NOTES]
    target.save(update_fields=["organization", "notes"])
    source.is_active = False
    source.set_unusable_password()
    source.save(update_fields=["is_active", "password"])
    return target
