"""Writes TNEF (winmail.dat) streams the way Outlook does, for the corpus and the tests."""

from __future__ import annotations

import struct

from relaydesk.mail import tnef


def attribute(level: int, name: int, kind: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return struct.pack("<BHHI", level, name, kind, len(data)) + data + struct.pack("<H", checksum)


def _padded(data: bytes) -> bytes:
    return data + b"\x00" * (-len(data) % 4)


def mapi_unicode(ident: int, text: str) -> bytes:
    value = (text + "\x00").encode("utf-16-le")
    return struct.pack("<HHII", tnef.PT_UNICODE, ident, 1, len(value)) + _padded(value)


def mapi_props(*props: bytes) -> bytes:
    return struct.pack("<I", len(props)) + b"".join(props)


def winmail(files: list[tuple[str, str, bytes]], *, body: str = "", codepage: int = 1252) -> bytes:
    """files: (8.3 title, long name, data)."""
    out = struct.pack("<IH", tnef.SIGNATURE, 0x1234)
    out += attribute(1, 0x9006, 0x0008, struct.pack("<I", 0x00010000))
    out += attribute(1, tnef.ATT_OEM_CODEPAGE, 0x0006, struct.pack("<II", codepage, 0))
    if body:
        out += attribute(1, tnef.ATT_BODY, 0x0002, body.encode(f"cp{codepage}") + b"\x00")
    for title, long_name, data in files:
        out += attribute(2, tnef.ATT_ATTACH_REND_DATA, 0x0006, b"\x01\x00" + b"\xff" * 12)
        out += attribute(2, tnef.ATT_ATTACH_TITLE, 0x0001, title.encode("cp1252") + b"\x00")
        out += attribute(2, tnef.ATT_ATTACH_DATA, 0x0006, data)
        if long_name:
            props = mapi_props(mapi_unicode(tnef.PR_ATTACH_LONG_FILENAME, long_name))
            out += attribute(2, tnef.ATT_ATTACHMENT, 0x0006, props)
    return out
