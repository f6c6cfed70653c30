"""Contacts and organizations in the desk (PO6): lists with search, a page for each, their
edits. Who sees and who changes what is `tickets.visibility`; the changes are
`accounts.contacts`. A contact or organization the agent may not see is a 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from relaydesk.accounts import contacts
from relaydesk.accounts.models import Organization, Role, User
from relaydesk.desk.forms import apply_errors
from relaydesk.desk.forms_contacts import (
    ContactForm,
    DirectorySearchForm,
    EmailForm,
    MergeForm,
    NotesForm,
    PhoneForm,
)
from relaydesk.desk.views.common import agent_required, desk_user, forbidden
from relaydesk.tickets.visibility import (
    can_edit_contact,
    can_edit_organization,
    visible_contacts,
    visible_organizations,
    visible_tickets,
)

PAGE = 50
TICKETS_SHOWN = 50


def _page(request: HttpRequest, rows: QuerySet[Any]) -> dict[str, Any]:
    """One page of a directory list (contacts and organizations are few next to tickets, so
    an offset is fine); no count: one row more than shown says there is a next page."""
    try:
        number = max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        number = 1
    start = (number - 1) * PAGE
    shown = list(rows[start : start + PAGE + 1])
    return {
        "rows": shown[:PAGE],
        "page_number": number,
        "previous_page": number - 1 if number > 1 else None,
        "next_page": number + 1 if len(shown) > PAGE else None,
    }


def _search_words(request: HttpRequest) -> tuple[DirectorySearchForm, list[str]]:
    form = DirectorySearchForm(request.GET)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    return form, text.split()[:8]


@agent_required
@require_GET
def contact_list(request: HttpRequest) -> HttpResponse:
    form, words = _search_words(request)
    people = visible_contacts(desk_user(request)).select_related("organization")
    for word in words:
        people = people.filter(
            Q(name__icontains=word)
            | Q(email__icontains=word)
            | Q(extra_emails__email__icontains=word)
            | Q(phone__contains=word)
            | Q(organization__name__icontains=word)
        )
    people = people.filter(is_active=True).distinct().order_by("name", "email", "pk")
    context = {"form": form, **_page(request, people)}
    return render(request, "desk/contacts.html", context, status=200 if form.is_valid() else 400)


@agent_required
@require_GET
def organization_list(request: HttpRequest) -> HttpResponse:
    form, words = _search_words(request)
    organizations = visible_organizations(desk_user(request))
    for word in words:
        organizations = organizations.filter(Q(name__icontains=word) | Q(domains__icontains=word))
    context = {"form": form, **_page(request, organizations.order_by("name", "pk"))}
    return render(
        request, "desk/organizations.html", context, status=200 if form.is_valid() else 400
    )


def _contact_or_404(request: HttpRequest, contact_id: int) -> User:
    try:
        return (
            visible_contacts(desk_user(request)).select_related("organization").get(pk=contact_id)
        )
    except User.DoesNotExist:
        raise Http404(_("No such contact.")) from None


def _organization_or_404(request: HttpRequest, organization_id: int) -> Organization:
    try:
        return visible_organizations(desk_user(request)).get(pk=organization_id)
    except Organization.DoesNotExist:
        raise Http404(_("No such organization.")) from None


def _organization_choices(user: User, contact: User) -> QuerySet[Organization]:
    current = Q(pk=contact.organization_id) if contact.organization_id else Q(pk__in=[])
    return Organization.objects.filter(
        Q(pk__in=visible_organizations(user).values("pk")) | current
    ).order_by("name")


def _contact_page(
    request: HttpRequest, contact: User, *, status: int = 200, **forms: forms.Form
) -> HttpResponse:
    user = desk_user(request)
    editable = can_edit_contact(user, contact)
    tickets = (
        visible_tickets(user)
        .filter(requester=contact)
        .select_related("custom_status", "assignee", "department")
        .order_by("-updated_at", "-id")
    )
    context: dict[str, Any] = {
        "contact": contact,
        "editable": editable,
        "may_merge": editable and user.role in (Role.ADMIN, Role.SUPERVISOR),
        "emails": list(contact.extra_emails.all()),
        "phones": list(contact.extra_phones.all()),
        "tickets": tickets[:TICKETS_SHOWN],
        "more_tickets": tickets[TICKETS_SHOWN : TICKETS_SHOWN + 1].exists(),
        "contact_form": ContactForm(
            organizations=_organization_choices(user, contact),
            initial={
                "name": contact.name,
                "phone": contact.phone,
                "organization": contact.organization_id,
                "notes": contact.notes,
            },
        ),
        "email_form": EmailForm(),
        "phone_form": PhoneForm(),
        "merge_form": MergeForm(),
    }
    context.update(forms)
    return render(request, "desk/contact.html", context, status=status)


@agent_required
@require_GET
def contact_page(request: HttpRequest, contact_id: int) -> HttpResponse:
    return _contact_page(request, _contact_or_404(request, contact_id))


def _contact_action(
    request: HttpRequest,
    contact_id: int,
    form: forms.Form,
    name: str,
    action: Callable[[User, User, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """Run `action(contact, actor, cleaned_data)` for a valid form, then back to the page."""
    contact = _contact_or_404(request, contact_id)
    try:
        if form.is_valid():
            action(contact, desk_user(request), form.cleaned_data)
            messages.success(request, done)
            return redirect("desk:contact", contact.pk)
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        apply_errors(form, error)
    return _contact_page(request, contact, status=422, **({name: form} if name else {}))


@agent_required
@require_POST
def edit_contact(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = _contact_or_404(request, contact_id)
    form = ContactForm(
        request.POST, organizations=_organization_choices(desk_user(request), contact)
    )

    def action(contact: User, actor: User, data: dict[str, Any]) -> None:
        contacts.update_contact(contact, actor=actor, **data)

    return _contact_action(
        request, contact_id, form, "contact_form", action, _("The contact is saved.")
    )


@agent_required
@require_POST
def add_email(request: HttpRequest, contact_id: int) -> HttpResponse:
    def action(contact: User, actor: User, data: dict[str, Any]) -> None:
        contacts.add_email(contact, actor=actor, email=data["email"])

    form = EmailForm(request.POST)
    return _contact_action(
        request, contact_id, form, "email_form", action, _("The address is added.")
    )


@agent_required
@require_POST
def add_phone(request: HttpRequest, contact_id: int) -> HttpResponse:
    def action(contact: User, actor: User, data: dict[str, Any]) -> None:
        contacts.add_phone(contact, actor=actor, number=data["phone"])

    form = PhoneForm(request.POST)
    return _contact_action(
        request, contact_id, form, "phone_form", action, _("The number is added.")
    )


@agent_required
@require_POST
def remove_email(request: HttpRequest, contact_id: int, address_id: int) -> HttpResponse:
    def action(contact: User, actor: User, data: dict[str, Any]) -> None:
        contacts.remove_email(contact, actor=actor, address_id=address_id)

    form = forms.Form(request.POST)
    return _contact_action(request, contact_id, form, "", action, _("The address is removed."))


@agent_required
@require_POST
def remove_phone(request: HttpRequest, contact_id: int, phone_id: int) -> HttpResponse:
    def action(contact: User, actor: User, data: dict[str, Any]) -> None:
        contacts.remove_phone(contact, actor=actor, phone_id=phone_id)

    form = forms.Form(request.POST)
    return _contact_action(request, contact_id, form, "", action, _("The number is removed."))


@agent_required
@require_POST
def merge(request: HttpRequest, contact_id: int) -> HttpResponse:
    source = _contact_or_404(request, contact_id)
    form = MergeForm(request.POST)
    try:
        if form.is_valid():
            address = form.cleaned_data["into"].strip().lower()
            target = (
                visible_contacts(desk_user(request))
                .filter(Q(email=address) | Q(extra_emails__email=address), is_active=True)
                .first()
            )
            if target is None:
                raise ValidationError({"into": _("No contact you can see has this address.")})
            contacts.merge_contacts(source=source, target=target, actor=desk_user(request))
            messages.success(
                request,
                _("%(source)s is merged into %(target)s.")
                % {"source": source.email, "target": target.display_name},
            )
            return redirect("desk:contact", target.pk)
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        apply_errors(form, error)
    return _contact_page(request, source, status=422, merge_form=form)


def _organization_page(
    request: HttpRequest, organization: Organization, *, status: int = 200, **forms: forms.Form
) -> HttpResponse:
    user = desk_user(request)
    tickets = (
        visible_tickets(user)
        .filter(Q(organization=organization) | Q(requester__organization=organization))
        .select_related("custom_status", "requester", "assignee")
        .order_by("-updated_at", "-id")
    )
    context: dict[str, Any] = {
        "organization": organization,
        "domains": [d.strip() for d in organization.domains.split(",") if d.strip()],
        "editable": can_edit_organization(user, organization),
        "members": list(
            visible_contacts(user).filter(organization=organization, is_active=True)[:PAGE]
        ),
        "tickets": tickets[:TICKETS_SHOWN],
        "more_tickets": tickets[TICKETS_SHOWN : TICKETS_SHOWN + 1].exists(),
        "notes_form": NotesForm(initial={"notes": organization.notes}),
    }
    context.update(forms)
    return render(request, "desk/organization.html", context, status=status)


@agent_required
@require_GET
def organization_page(request: HttpRequest, organization_id: int) -> HttpResponse:
    return _organization_page(request, _organization_or_404(request, organization_id))


@agent_required
@require_POST
def organization_notes(request: HttpRequest, organization_id: int) -> HttpResponse:
    organization = _organization_or_404(request, organization_id)
    form = NotesForm(request.POST)
    try:
        if form.is_valid():
            contacts.update_organization_notes(
                organization, actor=desk_user(request), notes=form.cleaned_data["notes"]
            )
            messages.success(request, _("The notes are saved."))
            return redirect("desk:organization", organization.pk)
    except PermissionDenied as error:
        return forbidden(request, error)
    except ValidationError as error:
        apply_errors(form, error)
    return _organization_page(request, organization, status=422, notes_form=form)
