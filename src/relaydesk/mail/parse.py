"""A raw mail to the parts the helpdesk needs (CH3), on the stdlib `email` package.

The `compat32` policy is used: on our corpus it parses several times faster than
`policy.default` (see bench/mail.py), and we decode the few headers we need ourselves, which also
lets undeclared 8-bit headers go through the charset guesser instead of failing.
"""

from __future__ import annotations

import email
import mimetypes
import re
from dataclasses import dataclass, field
from email.header import Header, decode_header
from email.message import Message as EmailMessage
from email.utils import getaddresses, parseaddr

from relaydesk.mail import charsets, tnef
from relaydesk.mail.quotes import fold_html, text_to_folded_html

MAX_PARTS = 200
MAX_DEPTH = 10
_MESSAGE_ID = re.compile(r"<([^<>\s\x00-\x1f\x7f]{1,240})>")
_BARE_ID = re.compile(r"[^<>\s@\x00-\x1f\x7f]{1,200}@[^<>\s@\x00-\x1f\x7f]{1,200}")
_SPACE = re.compile(r"\s+")
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Part:
    filename: str
    content_type: str
    data: bytes
    content_id: str = ""
    inline: bool = False


@dataclass
class ParsedMail:
    message_id: str
    in_reply_to: list[str]
    references: list[str]
    subject: str
    sender: str
    sender_name: str
    to: list[str]
    cc: list[str]
    delivered_to: list[str]
    text: str
    html: str
    attachments: list[Part] = field(default_factory=list)
    auto_reply: bool = False
    bounce_of: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


def header_text(value: object) -> str:
    """An RFC 2047 or raw 8-bit header as one clean line of text."""
    if value is None:
        return ""
    raw = str(value)
    pieces = []
    try:  # a Header object (8-bit bytes under compat32) decodes to its bytes, "unknown-8bit"
        chunks = decode_header(value if isinstance(value, Header) else raw)
    except Exception:  # malformed encoded words: keep the header as it came
        chunks = [(raw, None)]
    for chunk, charset in chunks:
        if isinstance(chunk, bytes):
            pieces.append(charsets.decode(chunk, charset))
        else:
            pieces.append(charsets.decode(chunk.encode("utf-8", "surrogateescape"), charset))
    return _CTRL.sub("", _SPACE.sub(" ", "".join(pieces))).strip()


def message_ids(value: object) -> list[str]:
    return list(dict.fromkeys(_MESSAGE_ID.findall(str(value or ""))))[:50]


def own_message_id(value: object) -> str:
    """The mail's Message-ID; some clients leave out the angle brackets."""
    ids = message_ids(value)
    bare = str(value or "").strip()
    return ids[0] if ids else bare if _BARE_ID.fullmatch(bare) else ""


def _address_text(value: object) -> str:
    """Encoded words stay encoded (a name may decode to "<" or ","); 8-bit bytes are decoded;
    control characters go (a NUL in an address reached the database's queries, which refuse
    it)."""
    text = header_text(value) if isinstance(value, Header) else str(value or "")
    return _CTRL.sub("", text)


def sender_of(value: object) -> tuple[str, str]:
    name, address = parseaddr(_address_text(value))
    return header_text(name), address.strip().lower()


def addresses(*values: object) -> list[str]:
    found = []
    for _name, address in getaddresses([_address_text(v) for v in values if v]):
        address = address.strip().lower()
        if "@" in address and address not in found:
            found.append(address)
    return found


_AUTO_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response")
_AUTO_SUBJECTS = ("auto:", "automatic reply", "autoreply", "out of office", "абонент", "автоответ")
_SYSTEM_SENDERS = ("mailer-daemon@", "postmaster@")


def _is_auto_reply(msg: EmailMessage, subject: str, sender: str) -> bool:
    """Auto-Submitted, X-Autoreply & co., bulk precedence, vacation subjects, mailer daemons
    (X-Auto-Response-Suppress is not one: Outlook sets it on ordinary mail)."""
    auto_submitted = str(msg.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(msg.get("Precedence", "")).strip().lower()
    return (
        auto_submitted not in {"", "no"}
        or precedence in {"bulk", "junk", "auto_reply", "list"}
        or any(msg.get(h) is not None for h in _AUTO_HEADERS)
        or subject.lower().startswith(_AUTO_SUBJECTS)
        or sender.startswith(_SYSTEM_SENDERS)
    )


def _payload(part: EmailMessage) -> bytes:
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data
    return str(part.get_payload() or "").encode("utf-8", "surrogateescape")


def _walk(msg: EmailMessage, depth: int = 0) -> list[EmailMessage]:
    """Leaf parts in order, without descending into attached mails (kept as .eml)."""
    if depth > MAX_DEPTH:
        return []
    if msg.get_content_maintype() == "multipart":
        leaves: list[EmailMessage] = []
        payload = msg.get_payload()
        for sub in payload if isinstance(payload, list) else []:
            if isinstance(sub, EmailMessage):
                leaves.extend(_walk(sub, depth + 1))
            if len(leaves) > MAX_PARTS:
                break
        return leaves
    return [msg]


def _filename(part: EmailMessage) -> str:
    name = part.get_param("filename", header="content-disposition") or part.get_param("name")
    if isinstance(name, tuple):  # RFC 2231: (charset, language, value)
        name = email.utils.collapse_rfc2231_value(name)
    return header_text(name)


@dataclass
class _Unpacked:
    files: list[Part]
    body: str


def _winmail(data: bytes) -> _Unpacked | None:
    """The files inside a winmail.dat, or None to keep it as it came (not TNEF, or empty)."""
    try:
        found = tnef.unpack(data)
    except tnef.NotTnef:
        return None
    if not found.files:
        return None
    files = [
        Part(
            filename=f.name or f"attachment-{n}",
            content_type=f.content_type
            or mimetypes.guess_type(f.name)[0]
            or "application/octet-stream",
            data=f.data,
            content_id=f.content_id.strip("<>"),
            inline=bool(f.content_id),
        )
        for n, f in enumerate(found.files[:MAX_PARTS], start=1)
    ]
    return _Unpacked(files, found.body)


def parse(raw: bytes) -> ParsedMail:
    msg = email.message_from_bytes(raw)
    subject = header_text(msg.get("Subject"))
    sender_name, sender = sender_of(msg.get("From"))
    text_parts: list[str] = []
    html_parts: list[str] = []
    attachments: list[Part] = []
    bounce_of: list[str] = []
    tnef_text: list[str] = []
    report = msg.get_content_type() == "multipart/report"
    for part in _walk(msg):
        ctype = part.get_content_type()
        disposition = str(part.get("Content-Disposition", "")).split(";")[0].strip().lower()
        filename = _filename(part)
        content_id = message_ids(part.get("Content-ID"))
        if report and ctype in {"message/rfc822", "text/rfc822-headers", "message/delivery-status"}:
            original = part.get_payload()
            inner = original[0] if isinstance(original, list) and original else None
            source = (
                inner
                if isinstance(inner, EmailMessage)
                else email.message_from_bytes(_payload(part))
            )
            bounce_of += message_ids(source.get("Message-ID"))
            continue
        if ctype == "message/rfc822":
            inner_payload = part.get_payload()
            inner = inner_payload[0] if isinstance(inner_payload, list) else None
            inner_msg = inner if isinstance(inner, EmailMessage) else None
            data = inner_msg.as_bytes() if inner_msg is not None else _payload(part)
            title = header_text(inner_msg.get("Subject")) if inner_msg is not None else ""
            attachments.append(Part(f"{title or 'message'}.eml", "message/rfc822", data))
            continue
        if disposition != "attachment" and not filename and ctype in {"text/plain", "text/html"}:
            body = charsets.decode(_payload(part), part.get_content_charset())
            (html_parts if ctype == "text/html" else text_parts).append(body)
            continue
        data = _payload(part)
        if ctype == "application/ms-tnef" or filename.lower() == "winmail.dat":
            unpacked = _winmail(data)
            if unpacked is not None:
                attachments += unpacked.files
                if unpacked.body.strip():
                    tnef_text.append(unpacked.body)
                continue
        attachments.append(
            Part(
                filename=filename
                or f"part-{len(attachments) + 1}{mimetypes.guess_extension(ctype) or ''}",
                content_type=ctype,
                data=data,
                content_id=content_id[0] if content_id else "",
                inline=disposition == "inline" or bool(content_id),
            )
        )
    text = "\n\n".join(t.strip() for t in (text_parts or tnef_text) if t.strip())
    html = "\n".join(html_parts)
    return ParsedMail(
        message_id=own_message_id(msg.get("Message-ID")),
        in_reply_to=message_ids(msg.get("In-Reply-To")),
        references=message_ids(msg.get("References")),
        subject=subject,
        sender=sender,
        sender_name=sender_name,
        to=addresses(*msg.get_all("To", [])),
        cc=addresses(*msg.get_all("Cc", [])),
        delivered_to=addresses(*msg.get_all("Delivered-To", []), *msg.get_all("X-Original-To", [])),
        text=text,
        html=fold_html(html) if html.strip() else text_to_folded_html(text),
        attachments=attachments,
        auto_reply=_is_auto_reply(msg, subject, sender),
        bounce_of=bounce_of if report else [],
        headers={
            name: header_text(msg.get(name))[:500]
            for name in ("From", "To", "Cc", "Date", "Subject", "Reply-To")
            if msg.get(name)
        },
    )
