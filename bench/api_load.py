"""AP1 under load: `relaydesk serve` on the benchmark database, and the load generator
(bench/api_client.py) in a second process with 32 clients creating and listing tickets through
the API as the bench agent. Targets on a 2-core machine: create ≥ 400/s, list ≥ 800/s, p95
under 100 ms.

The server runs as docs/scale-out.md recommends: with `REDIS_URL` set, one process per CPU
(`--workers`), otherwise one; no access log (the proxy in front keeps it)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from bench.measure import Figure
from bench.scenarios import Context
from relaydesk.accounts.models import User
from relaydesk.api import tokens
from relaydesk.api.models import ApiToken, Scope

CLIENTS = 32
SECONDS = 10.0
P95_TARGET_MS = 100.0
RATE_TARGETS = {"create": 400, "list": 800}
STARTUP_SECONDS = 300


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, server: subprocess.Popen[bytes]) -> None:
    """Until the server answers: a refused connection fails at once, so count time, not tries
    (`serve` runs collectstatic first, slow on a loaded machine)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("relaydesk serve stopped while starting")
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 (our own server)
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("relaydesk serve did not answer")


def figures(ctx: Context) -> list[Figure]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "RELAYDESK_API_RATE_LIMIT": str(10**9), "RELAYDESK_SECRET_KEY": "bench"}
    workers = (os.cpu_count() or 1) if env.get("REDIS_URL") else 1
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "relaydesk.cli",
            "serve",
            "--port",
            str(port),
            "--no-worker",
            "--no-access-log",
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    token = tokens.issue(user=ctx.agent, name="bench", scope=Scope.WRITE)
    requesters = ",".join(
        User.objects.filter(pk__in=ctx.customers[:50]).values_list("email", flat=True)
    )
    results: list[Figure] = []
    try:
        _wait(f"{base}/healthz", server)
        for kind in ("create", "list"):
            run = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.api_client",
                    base,
                    token,
                    kind,
                    "--clients",
                    str(CLIENTS),
                    "--seconds",
                    str(SECONDS),
                    "--requesters",
                    requesters,
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            data = json.loads(run.stdout)
            name = (
                f"API {kind}, {CLIENTS} clients: {data['per_second']:.0f}/s (≥{RATE_TARGETS[kind]})"
            )
            print(
                f"  {name:<52} p95 {data['p95_ms']:7.1f} ms  ({workers} server processes;"
                f" generator {data['client_cpu_ms_per_request']:.2f} ms CPU a request)",
                flush=True,
            )
            results.append(
                Figure(name, data["p50_ms"], data["p95_ms"], data["requests"], 0, P95_TARGET_MS)
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        ApiToken.objects.filter(user=ctx.agent, name="bench").delete()
    return results
