"""Mail intake throughput: `relaydesk mail import` of a mixed mbox (new tickets, replies,
attachments, auto-replies, several charsets) into an empty database, on SQLite and PostgreSQL.
Reports messages per second end to end (process start to summary), the importer's CPU time per
message (user + system, which the machine's load does not inflate) and its peak RSS.

    python -m bench.mail [--messages 10000] [--database-url postgres://...]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from bench import database

MAIL_URL = database.DEFAULT_URL.replace("relaydesk_bench", "relaydesk_bench_mail")
RATE_TARGET = 300.0  # messages per second on PostgreSQL
RSS_TARGET_MB = 300.0
MAILBOX = (
    "from relaydesk.accounts.models import Department; from relaydesk.mail.models import Mailbox;"
    "Mailbox.objects.create(name='Support', address='support@example.com',"
    " department=Department.objects.create(name='Support'), send_acknowledgement=False)"
)
TEXTS = [
    ("utf-8", "Hello, the printer in room 4 does not print since this morning."),
    ("koi8-r", "Здравствуйте! Не работает принтер в бухгалтерии."),
    ("windows-1251", "Добрый день, пришлите счет на оплату за ноябрь."),
    ("iso-8859-2", "Dzień dobry, proszę o zmianę adresu dostawy."),
    ("utf-8", "سلام، سفارش من هنوز نرسیده است"),
]


def _mail(rng: random.Random, n: int, sent: list[tuple[str, str]]) -> bytes:
    mail = EmailMessage()
    kind = rng.random()
    if kind < 0.35 and sent:  # a reply to an earlier mail of the same customer
        sender, parent = rng.choice(sent)
        mail["In-Reply-To"] = mail["References"] = f"<{parent}>"
        subject = "Re: request"
    else:
        sender, subject = f"customer{rng.randrange(500)}@example.org", f"Request {n}"
    if 0.35 <= kind < 0.40:
        mail["Auto-Submitted"] = "auto-replied"
        subject = "Out of office"
    charset, text = rng.choice(TEXTS)
    mail["From"], mail["To"], mail["Subject"] = sender, "support@example.com", subject
    message_id = f"bench-{n}@example.org"
    mail["Message-ID"] = f"<{message_id}>"
    mail.set_content(f"{text}\n\nMessage {n}.\n", charset=charset)
    if rng.random() < 0.5:
        mail.add_alternative(f"<p>{text}</p><p>Message {n}.</p>", subtype="html")
    if rng.random() < 0.1:
        data = rng.randbytes(rng.randrange(20_000, 200_000))
        mail.add_attachment(data, maintype="application", subtype="pdf", filename=f"f{n}.pdf")
    sent.append((sender, message_id))
    return mail.as_bytes()


def write_mbox(path: Path, count: int) -> int:
    """Streams `count` mails into an mbox file; returns its size in bytes."""
    rng, sent = random.Random(42), []
    with path.open("wb") as out:
        for n in range(count):
            raw = _mail(rng, n, sent).replace(b"\nFrom ", b"\n>From ")
            out.write(b"From bench@example.org Mon Jan  1 00:00:00 2025\n" + raw + b"\n")
    return path.stat().st_size


@dataclass
class Result:
    backend: str
    messages: int
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    summary: dict[str, int]

    @property
    def rate(self) -> float:
        return self.messages / self.seconds


def _relaydesk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "relaydesk.cli", *args]
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True)


def measure(backend: str, url: str, mbox: Path, home: Path) -> Result:
    env = {**os.environ, "DATABASE_URL": url, "RELAYDESK_HOME": str(home)}
    env.pop("RELAYDESK_DEBUG", None)
    _relaydesk(env, "migrate", "--no-input")
    _relaydesk(env, "shell", "-c", MAILBOX)
    command = [sys.executable, "-m", "relaydesk.cli", "mail", "import", "--json", str(mbox)]
    began = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - began
    output = process.stdout.read() if process.stdout else ""
    if status != 0:
        raise SystemExit(f"The import on {backend} failed (status {status}).")
    summary = json.loads(output)
    cpu = usage.ru_utime + usage.ru_stime
    return Result(backend, summary["read"], seconds, cpu, usage.ru_maxrss / 1024, summary)


def run(messages: int, pg_url: str) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="relaydesk-bench-mail-") as tmp:
        root = Path(tmp)
        mbox = root / "mixed.mbox"
        size = write_mbox(mbox, messages)
        print(f"Mail intake: {messages:,} mixed messages, mbox of {size / 2**20:.0f} MB")
        (root / "sqlite").mkdir()
        results = [measure("SQLite", "", mbox, root / "sqlite")]
        database.ensure(pg_url, drop=True)
        (root / "pg").mkdir()
        results.append(measure("PostgreSQL", pg_url, mbox, root / "pg"))
    for r in results:
        rate_ok = r.backend != "PostgreSQL" or r.rate >= RATE_TARGET
        verdict = "ok" if rate_ok and r.peak_rss_mb <= RSS_TARGET_MB else "MISSED"
        print(
            f"  {r.backend:<11} {r.rate:7.0f} msg/s  {r.seconds:6.1f} s  "
            f"CPU {r.cpu_seconds / r.messages * 1000:5.1f} ms/msg  "
            f"peak RSS {r.peak_rss_mb:5.0f} MB  {verdict}  {json.dumps(r.summary)}"
        )
    print(f"  targets: ≥{RATE_TARGET:g} msg/s on PostgreSQL, peak RSS ≤{RSS_TARGET_MB:g} MB")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.mail", description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL for the run")
    args = parser.parse_args()
    url = args.database_url or database.DEFAULT_URL.replace(
        "relaydesk_bench", "relaydesk_bench_mail"
    )
    print(f"Load average: {os.getloadavg()[1]:.2f} (5 min) on {os.cpu_count()} CPUs")
    run(args.messages, url)


if __name__ == "__main__":
    main()
