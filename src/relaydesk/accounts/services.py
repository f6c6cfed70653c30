"""Changes to people that more than one entry point needs."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from relaydesk.accounts.models import ContactEmail, Organization, Role, User

MAX_NAME = 200


def find_or_create_customer(
    email: str, name: str = "", *, unknown: bool = False, savepoint: bool = True
) -> User:
    """The customer with this email address (their sign-in address or a further one, see
    `ContactEmail`), created (without a usable password) if new. An address that belongs to an
    agent is refused: agents are not requesters. `unknown`: the caller has just looked the
    address up and found nobody (a mail import's batch), so it is not looked up again.
    `savepoint=False`: the caller rolls its whole transaction back should the insert fail (the
    address created meanwhile by another process: the `IntegrityError` is raised), so it needs
    no savepoint to survive it; a refused address is refused before anything is written."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"requester": _("Enter a valid email address.")}) from None
    name = " ".join((name or "").split())[:MAX_NAME]
    user = None
    if not unknown:
        further = ContactEmail.objects.filter(email=email).select_related("user").first()
        user = further.user if further else User.objects.filter(email=email).first()
    if user is None:
        # Checked before the transaction: a refusal (an address too long for the column)
        # leaves the caller's transaction usable even without a savepoint.
        user = User.objects.checked_user(
            email, None, unknown=unknown, role=Role.CUSTOMER, name=name
        )
        try:
            with transaction.atomic(savepoint=savepoint):
                user.save()
        except IntegrityError:  # created meanwhile by another request
            if not savepoint:
                raise  # the caller's transaction is spoilt: it rolls back and tries again
            user = User.objects.get(email=email)
    if not user.is_customer:
        raise ValidationError({"requester": _("This address belongs to an agent.")})
    if not user.is_active:
        raise ValidationError({"requester": _("This customer's account is disabled.")})
    return user


def create_customer(
    *, email: str, name: str = "", organization: Organization | None = None, phone: str = ""
) -> User:
    """A new customer (no usable password until they set one). An address in use is refused."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}) from None
    taken = ValidationError(
        {"email": ValidationError(_("Someone already uses this address."), code="taken")}
    )
    if (
        User.objects.filter(email=email).exists()
        or ContactEmail.objects.filter(email=email).exists()
    ):
        raise taken
    try:
        with transaction.atomic():
            return User.objects.create_user(
                email,
                None,
                role=Role.CUSTOMER,
                name=" ".join((name or "").split())[:MAX_NAME],
                organization=organization,
                phone=" ".join((phone or "").split())[:40],
            )
    except IntegrityError:  # created meanwhile by another request
        raise taken from None
