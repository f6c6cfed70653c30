"""The demo's shared canned responses, in every language the desk speaks, and two macros."""

from __future__ import annotations

from typing import Any

from relaydesk.accounts.models import User
from relaydesk.automation import canned
from relaydesk.tickets.models import Priority, StatusCategory

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

MACROS: list[dict[str, Any]] = [
    {
        "name": "Waiting for the customer's logs",
        "body": "Could you send us the log file for #{{ ticket.number }}? "
        "We will continue as soon as it arrives.",
        "internal": False,
        "status": StatusCategory.PENDING,
        "priority": None,
        "add_tags": "needs-logs",
        "assign_to_me": True,
    },
    {
        "name": "Escalate to urgent",
        "body": "Escalated by {{ agent.name }}: customer {{ customer.name }} is blocked.",
        "internal": True,
        "status": StatusCategory.OPEN,
        "priority": Priority.URGENT,
        "add_tags": "escalated",
        "assign_to_me": False,
    },
]


def seed_canned(admin: User) -> None:
    for title, language, body in RESPONSES:
        canned.save_response(
            actor=admin, response=None, title=title, body=body, language=language, shared=True
        )
    for fields in MACROS:
        canned.save_macro(actor=admin, macro=None, **fields)
