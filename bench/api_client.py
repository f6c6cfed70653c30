"""The load generator, run as its own process: N clients with keep-alive connections hit one
API operation for a fixed time; prints JSON with the count and latency quantiles.

One asyncio loop (uvloop when installed) writes raw HTTP/1.1 on keep-alive sockets: a thread
per client with http.client spent more CPU than the server it measured, and its clients waited
on the GIL, which showed up as the server's latency. The process's own CPU time is printed, so
a run can show the generator is not the bottleneck. It only talks to this machine and stops
after a warm-up, the measured seconds and a grace period, whatever the server does."""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from urllib.parse import urlsplit

try:
    import uvloop  # comes with uvicorn[standard]
except ImportError:  # pragma: no cover
    uvloop = None

LOCAL = "127.0.0.1"
GRACE_SECONDS = 30.0  # a request still unanswered then fails the run


def request_for(
    kind: str, k: int, token: str, requesters: list[str]
) -> bytes:  # one whole HTTP/1.1 request
    if kind == "create":
        body = json.dumps(
            {
                "subject": f"API load {k}: printer does not print",
                "body": "The customer wrote: the printer prints blank pages.",
                "requester_email": requesters[k % len(requesters)],
                "priority": "high",
                "department": "Support",
                "tags": ["api", "printer"],
            }
        ).encode()
        head = "POST /api/v1/tickets HTTP/1.1\r\nContent-Type: application/json\r\n"
        head += f"Content-Length: {len(body)}\r\n"
    else:
        body = b""
        head = "GET /api/v1/tickets?limit=50 HTTP/1.1\r\n"
    head += f"Host: {LOCAL}\r\nAuthorization: Bearer {token}\r\n\r\n"
    return head.encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; (status, whether the server keeps the connection open)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _sep, value = line.partition(":")
        headers[name.strip().lower()] = value.strip().lower()
    if headers.get("transfer-encoding") == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")  # no trailers are sent
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection") != "close"


async def client(port: int, send: list[bytes], start: float, until: float, out: list[float]) -> int:
    """Send requests back to back until `until`; keep the latencies of those sent after
    `start` (the warm-up's are dropped). Returns how many were sent."""
    reader, writer = await asyncio.open_connection(LOCAL, port)
    sent = 0
    try:
        while (began := time.perf_counter()) < until:
            writer.write(send[sent % len(send)])
            status, keep = await read_response(reader)
            if status not in (200, 201):
                raise SystemExit(f"The server answered {status}.")
            if began >= start:
                out.append((time.perf_counter() - began) * 1000)
            sent += 1
            if not keep:
                writer.close()
                reader, writer = await asyncio.open_connection(LOCAL, port)
    finally:
        writer.close()
    return sent


async def run(args: argparse.Namespace) -> dict[str, float]:
    parts = urlsplit(args.base)
    if parts.hostname != LOCAL or parts.port is None:
        raise SystemExit(f"The load generator only talks to http://{LOCAL}:PORT.")
    requesters = args.requesters.split(",")
    # Every client sends its own requests, prepared before the clock starts.
    per_client = 400 if args.kind == "create" else 1
    sends = [
        [
            request_for(args.kind, i + n * args.clients, args.token, requesters)
            for n in range(per_client)
        ]
        for i in range(args.clients)
    ]
    began = time.perf_counter()
    start = began + args.warmup
    until = start + args.seconds
    results: list[list[float]] = [[] for _ in range(args.clients)]
    cpu = time.process_time()
    async with asyncio.timeout(args.warmup + args.seconds + GRACE_SECONDS):
        sent = await asyncio.gather(
            *(client(parts.port, s, start, until, r) for s, r in zip(sends, results, strict=True))
        )
    cpu = time.process_time() - cpu
    durations = [d for r in results for d in r]
    cuts = statistics.quantiles(durations, n=100, method="inclusive")
    return {
        "requests": len(durations),
        "per_second": round(len(durations) / args.seconds, 1),
        "p50_ms": round(statistics.median(durations), 2),
        "p95_ms": round(cuts[94], 2),
        "sent": sum(sent),  # with the warm-up's
        "client_cpu_ms_per_request": round(cpu * 1000 / sum(sent), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base", help=f"http://{LOCAL}:PORT")
    parser.add_argument("token")
    parser.add_argument("kind", choices=["create", "list"])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2, help="seconds not measured first")
    parser.add_argument("--requesters", default="", help="Customers' emails, comma-separated.")
    args = parser.parse_args()
    print(json.dumps((uvloop.run if uvloop else asyncio.run)(run(args))))


if __name__ == "__main__":
    main()
