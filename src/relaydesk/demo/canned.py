"""The demo's shared canned responses and macros, in every language the desk speaks, and a
personal macro of the demo agent."""

from __future__ import annotations

from typing import Any

from relaydesk.accounts.models import Department, User
from relaydesk.automation import canned, macros
from relaydesk.automation.models import MacroAssign
from relaydesk.tickets.models import Category, Priority, StatusCategory, TicketType

# (title, language, text)
RESPONSES = [
    (
        "Greeting",
        "en",
        "Hello {{ customer.first_name }},\n\nthank you for writing to us about ticket "
        "#{{ ticket.number }}. I am looking into it now.\n\n{{ agent.name }}",
    ),
    (
        "Приветствие",
        "ru",
        "Здравствуйте, {{ customer.first_name }}!\n\nСпасибо за обращение #{{ ticket.number }}. "
        "Я уже занимаюсь им.\n\n{{ agent.name }}",
    ),
    (
        "Salut",
        "ro",
        "Bună ziua, {{ customer.first_name }},\n\nvă mulțumim pentru solicitarea "
        "#{{ ticket.number }}. Mă ocup de ea acum.\n\n{{ agent.name }}",
    ),
    (
        "Powitanie",
        "pl",
        "Dzień dobry, {{ customer.first_name }},\n\ndziękujemy za zgłoszenie "
        "#{{ ticket.number }}. Właśnie się nim zajmuję.\n\n{{ agent.name }}",
    ),
    (
        "خوشامد",
        "fa",
        "سلام {{ customer.first_name }}،\n\nاز پیام شما درباره درخواست #{{ ticket.number }} "
        "سپاسگزاریم. در حال بررسی آن هستم.\n\n{{ agent.name }}",
    ),
    (
        "Request logs",
        "en",
        "Could you send us the log file from the device? It helps us find the cause of "
        "“{{ ticket.subject }}” quickly.",
    ),
    (
        "Solved — anything else?",
        "en",
        "I have marked #{{ ticket.number }} as solved. Reply to this message if anything is "
        "still not working and the ticket reopens.",
    ),
]

# Shared macros in every language, by names of the demo's configuration (`_rows` finds them).
MACROS: list[dict[str, Any]] = [
    {
        "name": "Waiting for the customer's logs",
        "language": "en",
        "body": "Could you send us the log file for #{{ ticket.number }}? "
        "We will continue as soon as it arrives.",
        "status": StatusCategory.PENDING,
        "add_tags": "needs-logs",
        "assign": MacroAssign.ME,
    },
    {
        "name": "Escalate to urgent",
        "language": "en",
        "body": "Escalated by {{ agent.name }}: customer {{ customer.name }} is blocked.",
        "internal": True,
        "status": StatusCategory.OPEN,
        "priority": Priority.URGENT,
        "add_tags": "escalated",
    },
    {
        "name": "Передать в бухгалтерию",
        "language": "ru",
        "body": "{{ agent.name }}: клиент спрашивает о счёте, передаю в бухгалтерию.",
        "internal": True,
        "type": "Question",
        "category": ("Billing", "Invoices"),
        "department": "Billing",
        "add_tags": "invoice",
        "remove_tags": "needs-logs",
    },
    {
        "name": "Garanție confirmată",
        "language": "ro",
        "body": "Bună ziua, {{ customer.first_name }},\n\nam confirmat garanția pentru "
        "#{{ ticket.number }}. Vă trimitem un aparat de înlocuire.\n\n{{ agent.name }}",
        "status": StatusCategory.PENDING,
        "priority": Priority.HIGH,
        "type": "Incident",
        "category": ("Hardware", "Printers"),
        "custom_fields": {"warranty": True, "product": "P300 printer"},
        "add_tags": "replacement",
        "assign": MacroAssign.ME,
    },
    {
        "name": "Zwrot zatwierdzony",
        "language": "pl",
        "body": "Dzień dobry, {{ customer.first_name }},\n\nzwrot za zgłoszenie "
        "#{{ ticket.number }} został zatwierdzony.\n\n{{ agent.name }}",
        "status": StatusCategory.SOLVED,
        "category": ("Orders", "Delivery"),
        "add_tags": "refund",
        "remove_tags": "needs-logs, escalated",
    },
    {
        "name": "ارجاع به فروش",
        "language": "fa",
        "body": "سلام {{ customer.first_name }}،\n\nدرخواست #{{ ticket.number }} را به "
        "همکاران فروش سپردیم.\n\n{{ agent.name }}",
        "department": "Sales",
        "assign": MacroAssign.NOBODY,
        "add_tags": "sales-lead",
    },
]

# The demo agent's own macro (seen by them only).
PERSONAL_MACRO: dict[str, Any] = {
    "name": "My follow-up call",
    "body": "Called {{ customer.name }} about #{{ ticket.number }}; waiting for their answer.",
    "internal": True,
    "status": StatusCategory.PENDING,
    "add_tags": "called",
    "assign": MacroAssign.ME,
}


def _rows(fields: dict[str, Any]) -> dict[str, Any]:
    """The macro's fields with the configuration's names replaced by its rows."""
    found = dict(fields)
    if "type" in found:
        found["type"] = TicketType.objects.get(name=found["type"])
    if "category" in found:
        parent, name = found["category"]
        found["category"] = Category.objects.get(name=name, parent__name=parent)
    if "department" in found:
        found["department"] = Department.objects.get(name=found["department"])
    return found


def seed_canned(admin: User, agent: User) -> None:
    for title, language, body in RESPONSES:
        canned.save_response(
            actor=admin, response=None, title=title, body=body, language=language, shared=True
        )
    for fields in MACROS:
        macros.save_macro(actor=admin, macro=None, shared=True, **_rows(fields))
    macros.save_macro(actor=agent, macro=None, **PERSONAL_MACRO)
