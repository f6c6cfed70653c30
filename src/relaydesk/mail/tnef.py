"""winmail.dat (TNEF, MS-OXTNEF) unpacked into the files it carries.

Outlook sends attachments wrapped in one `application/ms-tnef` part when it thinks the other
side is Outlook too; other clients then show a useless winmail.dat. This reads the attributes
that matter — each attachment's name (the long MAPI name when there is one), data, MIME type
and Content-ID, and the plain-text body — with every count and length checked against the
bytes that are really there, so hostile input ends the walk instead of a loop or a copy.
(`tnefparse` from PyPI was weighed: unmaintained since 2021, and a MAPI property count it
trusts makes it loop up to 2^32 times.)"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SIGNATURE = 0x223E9F78
LEVEL_MESSAGE, LEVEL_ATTACHMENT = 1, 2
ATT_BODY = 0x800C
ATT_ATTACH_DATA = 0x800F
ATT_ATTACH_TITLE = 0x8010
ATT_ATTACH_REND_DATA = 0x9002
ATT_MSG_PROPS = 0x9003
ATT_ATTACHMENT = 0x9005
ATT_OEM_CODEPAGE = 0x9007
PR_BODY = 0x1000
PR_ATTACH_DATA = 0x3701
PR_ATTACH_LONG_FILENAME = 0x3707
PR_ATTACH_MIME_TAG = 0x370E
PR_ATTACH_CONTENT_ID = 0x3712
PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT = 0x001E, 0x001F, 0x0102, 0x000D
MULTI_VALUE = 0x1000
_FIXED = {0x0002: 4, 0x000B: 4, 0x0003: 4, 0x0004: 4, 0x000A: 4}  # padded to 4 bytes
_FIXED |= {0x0005: 8, 0x0006: 8, 0x0007: 8, 0x0014: 8, 0x0040: 8, 0x0048: 16}
_VARIABLE = {PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT, 0x0000}
MAX_ATTRIBUTES = 10_000
MAX_PROPERTIES = 10_000


class NotTnef(ValueError):
    pass


@dataclass
class TnefFile:
    name: str = ""
    data: bytes = b""
    content_type: str = ""
    content_id: str = ""


@dataclass
class Tnef:
    files: list[TnefFile] = field(default_factory=list)
    body: str = ""


def _properties(data: bytes, codepage: str) -> dict[int, object]:
    """MAPI properties by id (named properties skipped); stops at the first overrun."""
    found: dict[int, object] = {}
    if len(data) < 4:
        return found
    (count,) = struct.unpack_from("<I", data)
    offset = 4
    for _ in range(min(count, MAX_PROPERTIES)):
        if offset + 4 > len(data):
            break
        kind, ident = struct.unpack_from("<HH", data, offset)
        offset += 4
        if ident >= 0x8000:  # named property: GUID, then a number or a name
            if offset + 20 > len(data):
                break
            (named_kind,) = struct.unpack_from("<I", data, offset + 16)
            offset += 20
            if named_kind == 0:
                offset += 4
            else:
                if offset + 4 > len(data):
                    break
                (size,) = struct.unpack_from("<I", data, offset)
                offset += 4 + size + (-size % 4)
        values = 1
        if kind & MULTI_VALUE or kind in _VARIABLE:
            if offset + 4 > len(data):
                break
            (values,) = struct.unpack_from("<I", data, offset)
            offset += 4
        kind &= ~MULTI_VALUE
        if kind in _FIXED:
            offset += _FIXED[kind] * values
            continue
        if kind not in _VARIABLE:
            break  # an unknown type has an unknown size: nothing after it can be read
        value = b""
        for _index in range(values):
            if offset + 4 > len(data):
                return found
            (size,) = struct.unpack_from("<I", data, offset)
            offset += 4
            if offset + size > len(data):
                return found
            value = data[offset : offset + size]
            offset += size + (-size % 4)
        if ident >= 0x8000:
            continue
        if kind == PT_UNICODE:
            found[ident] = value.decode("utf-16-le", "replace").rstrip("\x00")
        elif kind == PT_STRING8:
            found[ident] = value.decode(codepage, "replace").rstrip("\x00")
        else:
            found[ident] = value[16:] if kind == PT_OBJECT else value
    return found


def unpack(data: bytes) -> Tnef:
    """The files and body of a TNEF stream; `NotTnef` if it does not start like one."""
    if len(data) < 6 or struct.unpack_from("<I", data)[0] != SIGNATURE:
        raise NotTnef("No TNEF signature.")
    result = Tnef()
    codepage = "cp1252"
    current: TnefFile | None = None
    offset = 6
    for _ in range(MAX_ATTRIBUTES):
        if offset + 9 > len(data):
            break
        level, name, _kind, size = struct.unpack_from("<BHHI", data, offset)
        start = offset + 9
        if start + size + 2 > len(data):
            break  # cut short: keep what was read
        value = data[start : start + size]
        offset = start + size + 2  # the checksum is not needed to read the data
        if level == LEVEL_MESSAGE and name == ATT_OEM_CODEPAGE and size >= 4:
            codepage = _codepage(struct.unpack_from("<I", value)[0])
        elif level == LEVEL_MESSAGE and name == ATT_BODY:
            result.body = value.decode(codepage, "replace").rstrip("\x00")
        elif level == LEVEL_MESSAGE and name == ATT_MSG_PROPS and not result.body:
            body = _properties(value, codepage).get(PR_BODY)
            result.body = body if isinstance(body, str) else ""
        elif level == LEVEL_ATTACHMENT and name == ATT_ATTACH_REND_DATA:
            current = TnefFile()
            result.files.append(current)
        elif level == LEVEL_ATTACHMENT and current is not None:
            _attachment_attribute(current, name, value, codepage)
    result.files = [f for f in result.files if f.data]
    return result


def _attachment_attribute(current: TnefFile, name: int, value: bytes, codepage: str) -> None:
    if name == ATT_ATTACH_TITLE and not current.name:
        current.name = value.decode(codepage, "replace").rstrip("\x00")
    elif name == ATT_ATTACH_DATA:
        current.data = value
    elif name == ATT_ATTACHMENT:
        props = _properties(value, codepage)
        long_name = props.get(PR_ATTACH_LONG_FILENAME)
        if isinstance(long_name, str) and long_name:
            current.name = long_name
        mime, cid = props.get(PR_ATTACH_MIME_TAG), props.get(PR_ATTACH_CONTENT_ID)
        current.content_type = mime if isinstance(mime, str) else ""
        current.content_id = cid if isinstance(cid, str) else ""
        embedded = props.get(PR_ATTACH_DATA)
        if isinstance(embedded, bytes) and not current.data:
            current.data = embedded


def _codepage(number: int) -> str:
    name = f"cp{number}"
    try:
        "".encode(name)
    except LookupError:
        return "cp1252"
    return name
