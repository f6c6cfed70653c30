"""docs/api.md stays true: its shell examples run, in order, against a live server."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from relaydesk.api import tokens
from relaydesk.api.models import Scope
from relaydesk.kb.models import KbCategory
from relaydesk.tickets.models import MessageKind, Ticket
from relaydesk.webhooks.models import Endpoint

DOC = Path(__file__).resolve().parents[4] / "docs" / "api.md"


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="needs curl and jq")
def test_every_curl_example_in_the_api_doc_runs(
    transactional_db, live_server, agent, admin_user, support, tmp_path
):
    KbCategory.objects.create(name="Billing", slug="billing")
    blocks = shell_blocks()
    assert len(blocks) >= 8
    script = "set -euo pipefail\n" + "\n".join(blocks)
    env = {
        **os.environ,
        "RELAYDESK_URL": live_server.url,
        "TOKEN": tokens.issue(user=agent, name="docs", scope=Scope.WRITE),
        "ADMIN_TOKEN": tokens.issue(user=admin_user, name="docs", scope=Scope.WRITE),
    }
    result = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    ticket = Ticket.objects.get(subject="Refund for order 1234")
    assert (ticket.priority, ticket.status) == (4, "solved")
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["billing", "refund"]
    assert ticket.messages.filter(kind=MessageKind.NOTE).count() == 1
    assert ticket.time_entries.get().minutes == 15
    assert f"Ticket {ticket.number}" in result.stdout
    assert "PATCH without If-Match: 428" in result.stdout
    assert f"Your refund for ticket {ticket.number} is on its way." in result.stdout
    assert "Where is my refund?" in result.stdout  # published, read without a token
    assert '"field": "subject"' in result.stdout
    assert '"would_create": 1' in result.stdout
    assert "The <mark>parcel</mark> never arrived" in result.stdout
    assert Endpoint.objects.get().url == "https://crm.example.com/hooks/relaydesk"
    kept = Ticket.objects.get(subject="Parcel for order 1234")
    assert Ticket.objects.get(subject="Where is my parcel?").merged_into == kept
    assert (kept.status, kept.messages.count()) == ("pending", 2)
    assert f"merged into {kept.number}" in result.stdout


def test_the_documented_signature_check_accepts_our_signatures():
    import time

    from relaydesk.webhooks import signing

    (code,) = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 (our own documentation)
    header = signing.sign("whsec_x", b'{"id":"1"}', int(time.time()))
    assert namespace["verify"]("whsec_x", b'{"id":"1"}', header)
    assert not namespace["verify"]("whsec_x", b'{"id":"2"}', header)
