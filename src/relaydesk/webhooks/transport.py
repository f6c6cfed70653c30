"""Outbound HTTP for webhooks: a POST that refuses private, loopback and link-local addresses
(unless `WEBHOOK_ALLOW_PRIVATE`, for tests and closed networks), connects to the address it
checked (no second DNS answer), follows no redirect and reads a bounded answer."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

MAX_RESPONSE = 2000


class Refused(Exception):
    """The URL may not be called (bad scheme, private address). Retrying will not help."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: str


def check_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of a URL we may call, or Refused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("Only http and https URLs with a host name.")
    if parts.username or parts.password:
        raise Refused("No credentials in the URL.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused("Bad port.") from None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname, port, path


def resolve(host: str, port: int) -> str:
    """One address for the host, after checking that every address it has is public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise ConnectionError(f"Cannot resolve {host}: {error}") from None
    addresses = [str(info[4][0]) for info in infos]
    if not settings.WEBHOOK_ALLOW_PRIVATE:
        for address in addresses:
            if not ipaddress.ip_address(address.split("%")[0]).is_global:
                raise Refused(f"{host} resolves to a private address ({address}).")
    return addresses[0]


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address, with the certificate checked for the host name."""

    def __init__(self, address: str, host: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    scheme, host, port, path = check_url(url)
    address = resolve(host, port)
    timeout = settings.WEBHOOK_TIMEOUT
    connection: http.client.HTTPConnection
    if scheme == "https":
        connection = _PinnedHTTPS(address, host, port, timeout)
    else:
        connection = http.client.HTTPConnection(address, port, timeout=timeout)
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                "Host": host if port in (80, 443) else f"{host}:{port}",
                "Content-Type": "application/json",
                "User-Agent": "Relaydesk-Webhooks/1",
                **headers,
            },
        )
        response = connection.getresponse()
        text = response.read(MAX_RESPONSE).decode("utf-8", "replace")
        return Answer(response.status, text)
    finally:
        connection.close()
