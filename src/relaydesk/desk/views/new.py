"""A ticket opened by an agent on a customer's behalf (phone, in person, email)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from relaydesk.accounts.services import find_or_create_customer
from relaydesk.desk.forms import NewTicketForm, apply_errors
from relaydesk.desk.views.common import agent_required, desk_user, forbidden
from relaydesk.tickets import services
from relaydesk.tickets.visibility import writable_departments


@agent_required
def new_ticket(request: HttpRequest) -> HttpResponse:
    user = desk_user(request)
    departments = writable_departments(user)
    form = NewTicketForm(request.POST or None, request.FILES or None, departments=departments)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():  # a new customer is kept only with their ticket
                    requester = find_or_create_customer(
                        data["requester_email"], data["requester_name"]
                    )
                    ticket = services.create_ticket(
                        actor=user,
                        requester=requester,
                        subject=data["subject"],
                        body=services.Body(data["body"]),
                        channel=data["channel"],
                        department=data["department"],
                        priority=data["priority"],
                        ticket_type=data["type"],
                        category=data["category"],
                        tags=data["tags"].split(","),
                        attachments=data["attachments"],
                    )
            except PermissionDenied as error:
                return forbidden(request, error)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return redirect("desk:ticket", number=ticket.number)
    return render(request, "desk/new_ticket.html", {"form": form}, status=status)
