"""`relaydesk mail import`: files, Maildir, mbox, the JSON summary, and a crash mid-import."""

import json
import mailbox as stdlib_mailbox
import os
import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from relaydesk.mail.models import InboundMail, Outcome
from relaydesk.mail.tests.conftest import CORPUS, database_url, make_mail
from relaydesk.tickets.models import Message, Ticket


def run_import(*paths: Path) -> dict[str, int]:
    out = StringIO()
    call_command("mail", "import", *map(str, paths), "--json", stdout=out)
    return json.loads(out.getvalue())


def write_mbox(path: Path, mails: list[bytes]) -> Path:
    box = stdlib_mailbox.mbox(path)
    for raw in mails:
        box.add(raw)
    box.flush()
    box.close()
    return path


@pytest.mark.usefixtures("mailbox")
def test_import_of_the_corpus_adds_up(tmp_path):
    summary = run_import(CORPUS)
    assert summary["read"] == len(list(CORPUS.glob("*.eml")))
    assert summary["read"] == sum(v for k, v in summary.items() if k != "read")
    assert summary["auto_replies"] == 1  # the vacation notice
    assert summary["bounces"] == 1
    assert summary["created"] == Ticket.objects.count()
    again = run_import(CORPUS)
    assert again["duplicates"] == again["read"]


@pytest.mark.usefixtures("mailbox")
def test_import_reads_maildir_and_mbox(tmp_path):
    maildir = stdlib_mailbox.Maildir(tmp_path / "Maildir")
    maildir.add(make_mail(subject="From Maildir"))
    body = "From the start of a line\nFrom here too"
    mbox = write_mbox(
        tmp_path / "archive.mbox", [make_mail(subject=f"Mbox {i}", body=body) for i in range(3)]
    )
    summary = run_import(tmp_path / "Maildir", mbox)
    assert summary == {
        "read": 4,
        "created": 4,
        "threaded": 0,
        "duplicates": 0,
        "auto_replies": 0,
        "bounces": 0,
        "spam": 0,
        "quarantined": 0,
    }
    assert Message.objects.filter(body_text=body).count() == 3


@pytest.mark.django_db
def test_import_of_a_missing_path_is_an_error_and_imports_nothing(tmp_path):
    with pytest.raises(CommandError):
        call_command("mail", "import", str(tmp_path / "nope.mbox"))
    assert not InboundMail.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("mailbox")
def test_an_import_killed_midway_and_run_again_has_every_mail_exactly_once(tmp_path, settings):
    count = 120
    mbox = write_mbox(
        tmp_path / "big.mbox",
        [make_mail(subject=f"Mail {i}", body=f"Body {i}") for i in range(count)],
    )
    env = {**os.environ, "DATABASE_URL": database_url(), "RELAYDESK_HOME": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "relaydesk.cli", "mail", "import", str(mbox)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while Ticket.objects.count() < 20 and process.poll() is None:
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert Ticket.objects.count() < count  # it really died in the middle
    assert InboundMail.objects.filter(outcome=Outcome.RECEIVED).exists()  # stored, unprocessed
    run_import(mbox)
    subjects = list(Ticket.objects.values_list("subject", flat=True))
    assert sorted(subjects) == sorted(f"Mail {i}" for i in range(count))
    assert Message.objects.count() == count
    assert not InboundMail.objects.filter(outcome=Outcome.RECEIVED).exists()
