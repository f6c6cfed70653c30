"""The demo's automation: Support hands out tickets by least load with caps, Sales by round
robin; agents with skills and languages; a few triggers and time rules a new user can watch at
work; shared canned responses and macros, and a personal macro of the demo agent."""

from __future__ import annotations

from relaydesk.accounts.models import Department, Membership, User
from relaydesk.automation import services as auto
from relaydesk.automation.models import AssignmentMode, Clock, TriggerOn
from relaydesk.demo.canned import seed_canned
from relaydesk.tickets.models import StatusCategory

ROUTING = {
    "Support": (AssignmentMode.LEAST_LOADED, 30),
    "Sales": (AssignmentMode.ROUND_ROBIN, 20),
}
DEMO_AGENT = "agent@example.com"  # the demo's agent sign-in, who has a personal macro
# email → (skills, languages)
AGENTS = {
    "agent@example.com": (["printers"], ["en", "pl"]),
    "ioana@example.com": (["billing"], ["en", "ro"]),
    "reza@example.com": (["vip"], ["en", "fa", "ru"]),
}

TRIGGERS = [
    (
        "Web form requests go to Anna Novak",
        TriggerOn.CREATED,
        "all",
        [("channel", "is", "web_form")],
        [("set_department", "Support"), ("set_assignee", "agent@example.com")],
    ),
    (
        "Invoices and refunds go to Billing",
        TriggerOn.CREATED,
        "any",
        [("subject", "contains", "invoice"), ("subject", "contains", "refund")],
        [("set_department", "Billing"), ("add_tags", "billing")],
    ),
    (
        "Urgent words raise the priority",
        TriggerOn.CREATED,
        "any",
        [("subject", "contains", "urgent"), ("subject", "contains", "asap")],
        [("set_priority", "urgent"), ("add_tags", "urgent-follow-up")],
    ),
    (
        "Acknowledge email requests",
        TriggerOn.CREATED,
        "all",
        [("channel", "is", "email")],
        [
            (
                "reply",
                "Hello {{ customer.first_name }},\n\nthank you for writing to us. Your request "
                "has the number {{ ticket.number }}; we will answer soon.",
            )
        ],
    ),
    (
        "Note when a customer writes on a solved ticket",
        TriggerOn.CUSTOMER_REPLIED,
        "all",
        [("tag", "is", "vip")],
        [("add_note", "VIP customer {{ customer.name }} wrote again.")],
    ),
]


DAY = 24 * 60
# name → (status, clock, minutes, conditions, actions)
TIME_RULES = [
    (
        "Remind the customer after 5 days pending",
        StatusCategory.PENDING,
        Clock.STATUS,
        5 * DAY,
        [],
        [
            (
                "reply",
                "Hello {{ customer.first_name }},\n\nwe are still waiting for your answer on "
                "request {{ ticket.number }}. Reply to this message and we will carry on.",
            )
        ],
    ),
    (
        "Close tickets solved 3 days ago",
        StatusCategory.SOLVED,
        Clock.STATUS,
        3 * DAY,
        [],
        [("set_status", "closed")],
    ),
    (
        "Nobody took a new ticket for 30 minutes",
        StatusCategory.NEW,
        Clock.STATUS,
        30,
        [("assignee", "is", "")],
        [("set_priority", "high"), ("add_note", "Waiting for an agent for 30 minutes.")],
    ),
]


def seed_automation(admin: User) -> None:
    departments = {d.name: d for d in Department.objects.all()}
    for name, (mode, cap) in ROUTING.items():
        department = departments[name]
        auto.configure_department(
            department, actor=admin, mode=mode, sticky=True, match_language=False
        )
        for membership in Membership.objects.filter(department=department, access="full"):
            skills, languages = AGENTS.get(membership.user.email, ([], []))
            auto.set_agent(
                membership, actor=admin, capacity=cap, skills=skills, languages=languages
            )
    for position, (name, on, match, conditions, actions) in enumerate(TRIGGERS, start=1):
        auto.save_trigger(
            actor=admin,
            trigger=None,
            name=name,
            on=on,
            match=match,
            is_active=True,
            position=position * 10,
            conditions=conditions,
            actions=actions,
        )
    for position, (name, status, clock, minutes, conditions, actions) in enumerate(
        TIME_RULES, start=1
    ):
        auto.save_time_rule(
            actor=admin,
            rule=None,
            name=name,
            status=status,
            clock=clock,
            minutes=minutes,
            match="all",
            is_active=True,
            position=position * 10,
            conditions=conditions,
            actions=actions,
        )
    seed_canned(admin, User.objects.get(email=DEMO_AGENT))
