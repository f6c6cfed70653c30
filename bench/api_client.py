"""The load generator, run as its own process: N clients with keep-alive connections hit one
API operation for a fixed time; prints JSON with the count and latency quantiles."""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time
from urllib.parse import urlsplit


def request_for(kind: str, k: int, requesters: list[str]) -> tuple[str, str, bytes | None]:
    if kind == "create":
        body = {
            "subject": f"API load {k}: printer does not print",
            "body": "The customer wrote: the printer prints blank pages.",
            "requester_email": requesters[k % len(requesters)],
            "priority": "high",
            "department": "Support",
            "tags": ["api", "printer"],
        }
        return "POST", "/api/v1/tickets", json.dumps(body).encode()
    return "GET", "/api/v1/tickets?limit=50", None


def client(
    base: str,
    token: str,
    kind: str,
    requesters: list[str],
    until: float,
    start: int,
    out: list[float],
) -> None:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    k = start
    while time.perf_counter() < until:
        method, path, body = request_for(kind, k, requesters)
        began = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status not in (200, 201):
            raise SystemExit(f"{method} {path} answered {response.status}")
        out.append((time.perf_counter() - began) * 1000)
        k += 1000
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("token")
    parser.add_argument("kind", choices=["create", "list"])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--requesters", default="", help="Customers' emails, comma-separated.")
    args = parser.parse_args()
    until = time.perf_counter() + args.seconds
    results: list[list[float]] = [[] for _ in range(args.clients)]
    threads = [
        threading.Thread(
            target=client,
            args=(args.base, args.token, args.kind, args.requesters.split(","), until, i, r),
        )
        for i, r in enumerate(results)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    durations = [d for r in results for d in r]
    cuts = statistics.quantiles(durations, n=100, method="inclusive")
    print(
        json.dumps(
            {
                "requests": len(durations),
                "per_second": round(len(durations) / elapsed, 1),
                "p50_ms": round(statistics.median(durations), 2),
                "p95_ms": round(cuts[94], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
