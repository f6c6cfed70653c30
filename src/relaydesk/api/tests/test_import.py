import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from relaydesk.accounts.models import Organization, User
from relaydesk.api import csvimport
from relaydesk.api.tests.conftest import api_as
from relaydesk.tickets.models import MessageKind, Ticket
from relaydesk.tickets.tests.helpers import nothing_changes

ORGS = (
    b"name,domains,members_see_all_tickets\n"
    b"Globex,globex.test,yes\n"
    b"Initech,initech.test;initrode.test,no\n"
)
TICKETS = (
    b"ticket,subject,requester_email,requester_name,body,kind,author_email,priority,"
    b"department,tags,status\n"
    b'A1,Broken screen,zoe@globex.test,Zoe,"It cracked,\nbadly.",customer,,high,'
    b"Support,hardware;screen,\n"
    b"A1,,zoe@globex.test,,We will send a new one.,reply,alice@example.com,,,,pending\n"
    b"A1,,zoe@globex.test,,Order ref 55,note,alice@example.com,,,,\n"
    b"B2,Invoice,yan@initech.test,,Wrong amount,customer,,,Support,,\n"
)


def test_organizations_then_customers_import(admin_user):
    assert csvimport.run(kind="organizations", data=ORGS, actor=admin_user, dry_run=False).ok
    assert Organization.objects.get(name="Initech").domains == "initech.test,initrode.test"
    customers = b"email,name,organization\nNia@Globex.test,Nia,globex\nomar@initech.test,,Initech\n"
    report = csvimport.run(kind="customers", data=customers, actor=admin_user, dry_run=False)
    assert (report.ok, report.created) == (True, 2)
    assert User.objects.get(email="nia@globex.test").organization.name == "Globex"


def test_tickets_import_with_their_messages(admin_user, agent, support):
    report = csvimport.run(kind="tickets", data=TICKETS, actor=admin_user, dry_run=False)
    assert report.errors == []
    assert report.created == 2
    screen = Ticket.objects.get(subject="Broken screen")
    assert screen.status == "pending"
    assert sorted(screen.tags.values_list("name", flat=True)) == ["hardware", "screen"]
    assert list(screen.messages.values_list("kind", flat=True)) == [
        MessageKind.CUSTOMER,
        MessageKind.REPLY,
        MessageKind.NOTE,
    ]
    assert screen.messages.first().body_text == "It cracked,\nbadly."


def test_dry_run_reports_every_bad_row_by_line_and_changes_nothing(admin_user, agent, support):
    bad = TICKETS + (
        b"C3,Nope,not-an-email,,x,customer,,,,,\n"  # line 7: the quoted body spans lines 2-3
        b"A1,,zoe@globex.test,,hm,reply,carol@nowhere.test,,,,\n"
        b"D4,Prio,d@x.test,,x,customer,,extreme,,,\n"
    )
    with nothing_changes():
        report = csvimport.run(kind="tickets", data=bad, actor=admin_user, dry_run=True)
    assert [(e.line, e.field) for e in report.errors] == [
        (7, "requester"),
        (8, "author_email"),
        (9, "priority"),
    ]
    with nothing_changes():
        real = csvimport.run(kind="tickets", data=bad, actor=admin_user, dry_run=False)
    assert len(real.errors) == 3


def test_a_clean_dry_run_says_what_it_would_create(admin_user, agent, support):
    with nothing_changes():
        report = csvimport.run(kind="tickets", data=TICKETS, actor=admin_user, dry_run=True)
    assert csvimport.as_dict(report)["would_create"] == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (b"email,shoe_size\na@b.test,42\n", "shoe_size"),
        (b"name\nx\n", "email"),
        (b"\xff\xfe\x00garbage", ""),
    ],
)
def test_bad_headers_and_encodings_are_refused(admin_user, data, field):
    report = csvimport.run(kind="customers", data=data, actor=admin_user, dry_run=False)
    assert report.errors[0].line == 1
    assert report.errors[0].field == field
    assert not User.objects.exclude(pk=admin_user.pk).exists()


def test_only_administrators_import(agent):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        csvimport.run(kind="organizations", data=ORGS, actor=agent, dry_run=True)


def test_import_over_the_api(admin_user, customer, other_agent):
    upload = SimpleUploadedFile("orgs.csv", ORGS, content_type="text/csv")
    response = api_as(admin_user).multipart(
        "/imports/organizations", {"file": upload, "dry_run": "true"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["would_create"] == 2
    assert not Organization.objects.filter(name="Globex").exists()
    for persona in (customer, other_agent):
        upload = SimpleUploadedFile("orgs.csv", ORGS, content_type="text/csv")
        refused = api_as(persona).multipart("/imports/organizations", {"file": upload})
        assert refused.status_code == 403


def test_import_command(admin_user, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_bytes(ORGS)
    out = io.StringIO()
    call_command("importcsv", "organizations", str(path), "--json", stdout=out)
    assert json.loads(out.getvalue())["created"] == 2
    path.write_bytes(b"name\nGlobex\n")
    with pytest.raises(CommandError):
        call_command("importcsv", "organizations", str(path), stdout=io.StringIO())


DATED = (
    b"ticket,subject,requester_email,body,kind,author_email,status,created_at,updated_at\n"
    b"A1,Broken screen,zoe@globex.test,It cracked.,customer,,,2024-03-01T09:30:00+02:00,\n"
    b"A1,,zoe@globex.test,A new one is coming.,reply,alice@example.com,,"
    b"2024-03-01T11:00:00Z,2024-03-02T08:00:00Z\n"
    b"A1,,zoe@globex.test,Shipped.,note,alice@example.com,solved,2024-03-01T12:00:00Z,\n"
)


def at(text):
    import datetime

    return datetime.datetime.fromisoformat(text)


def test_tickets_keep_their_original_times(admin_user, agent, support):
    from relaydesk.tickets.models import TicketEvent

    report = csvimport.run(kind="tickets", data=DATED, actor=admin_user, dry_run=False)
    assert report.errors == []
    ticket = Ticket.objects.get(subject="Broken screen")
    assert ticket.created_at == at("2024-03-01T07:30:00Z")
    assert ticket.updated_at == at("2024-03-02T08:00:00Z")  # the latest of every row's times
    assert ticket.first_responded_at == at("2024-03-01T11:00:00Z")
    assert ticket.solved_at == at("2024-03-01T12:00:00Z")
    assert list(ticket.messages.order_by("pk").values_list("created_at", flat=True)) == [
        at("2024-03-01T07:30:00Z"),
        at("2024-03-01T11:00:00Z"),
        at("2024-03-01T12:00:00Z"),
    ]
    stamps = set(TicketEvent.objects.filter(ticket=ticket).values_list("created_at", flat=True))
    assert stamps == {
        at(t) for t in ("2024-03-01T07:30:00Z", "2024-03-01T11:00Z", "2024-03-01T12:00Z")
    }


def test_without_time_columns_tickets_carry_the_import_time(admin_user, agent, support):
    from django.utils import timezone

    before = timezone.now()
    assert csvimport.run(kind="tickets", data=TICKETS, actor=admin_user, dry_run=False).ok
    assert Ticket.objects.get(subject="Broken screen").created_at >= before


@pytest.mark.parametrize(
    ("created", "updated", "field", "words"),
    [
        ("yesterday", "", "created_at", "ISO 8601"),
        ("2024-03-01T09:30:00", "", "created_at", "time zone"),
        ("2024-02-30T09:30:00Z", "", "created_at", "ISO 8601"),
        ("0001-01-01T00:00:00+14:00", "", "created_at", "ISO 8601"),
        ("2999-01-01T00:00:00Z", "", "created_at", "future"),
        ("", "", "created_at", "every row"),
        ("2024-03-01T10:00:00Z", "2024-03-01T09:00:00Z", "updated_at", "Earlier"),
        ("2024-02-01T10:00:00Z", "", "created_at", "first row"),
        ("x" * 5000, "", "created_at", "ISO 8601"),
    ],
)
def test_bad_times_are_reported_by_line_and_change_nothing(
    admin_user, agent, support, created, updated, field, words
):
    data = DATED + (f"A1,,zoe@globex.test,More.,customer,,,{created},{updated}\n".encode())
    with nothing_changes():
        report = csvimport.run(kind="tickets", data=data, actor=admin_user, dry_run=False)
    assert [(e.line, e.field) for e in report.errors] == [(5, field)]
    assert words in report.errors[0].message


def test_updated_at_alone_is_refused(admin_user, agent, support):
    data = b"ticket,subject,requester_email,body,updated_at\nA1,Hi,z@x.test,Yo,2024-03-01T10:00Z\n"
    with nothing_changes():
        report = csvimport.run(kind="tickets", data=data, actor=admin_user, dry_run=True)
    assert [(e.line, e.field, e.message) for e in report.errors] == [
        (2, "updated_at", "Give created_at too.")
    ]
