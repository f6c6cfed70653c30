"""Mail files to raw messages, streaming: .eml files, Maildir folders and mbox files of any size
are read one message at a time (`relaydesk mail import`)."""

from __future__ import annotations

import mailbox
import re
from collections.abc import Iterator
from pathlib import Path

_MBOX_FROM = re.compile(rb"^From \S+")


def _mbox(path: Path) -> Iterator[bytes]:
    """mbox messages one by one, from a file read line by line (never whole)."""
    current: list[bytes] = []
    started = False
    with path.open("rb") as handle:
        for line in handle:
            if (
                line.startswith(b"From ")
                and _MBOX_FROM.match(line)
                and (not started or not current or current[-1] in (b"\n", b"\r\n"))
            ):
                if started and current:
                    yield _unescape(current)
                current, started = [], True
                continue
            current.append(line)
    if current:
        yield _unescape(current)


def _unescape(lines: list[bytes]) -> bytes:
    if lines and lines[-1] in (b"\n", b"\r\n"):
        lines = lines[:-1]  # the blank line that separates messages
    raw = b"".join(lines)  # then every line's ">From " back to "From ", in one pass
    if raw.startswith(b">From "):
        raw = raw[1:]
    return raw.replace(b"\n>From ", b"\nFrom ")


def _maildir(path: Path) -> Iterator[bytes]:
    box = mailbox.Maildir(path, factory=None, create=False)
    for key in box.iterkeys():
        with box.get_file(key) as handle:
            yield handle.read()


def read(path: Path) -> Iterator[bytes]:
    if path.is_dir():
        if (path / "cur").is_dir() or (path / "new").is_dir():
            yield from _maildir(path)
            return
        for child in sorted(path.iterdir()):
            yield from read(child)
        return
    with path.open("rb") as handle:
        head = handle.read(5)
    if head == b"From ":
        yield from _mbox(path)
    else:
        yield path.read_bytes()
