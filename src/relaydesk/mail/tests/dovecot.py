"""A real Dovecot IMAP server on loopback for the tests (Debian's dovecot-imapd, installed by
`make system-deps`)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
PASSWORD = "imap-test-password"


@dataclass
class Server:
    host: str
    port: int
    users: list[str]
    password: str = PASSWORD


def _config(root: Path, port: int, users: list[str], extra: str) -> Path:
    if os.geteuid() == 0:  # as root, Dovecot drops to its own accounts
        internal, login, mail_user = "dovecot", "dovenull", "dovecot"
    else:
        internal = login = mail_user = pwd.getpwuid(os.geteuid()).pw_name
    account = pwd.getpwnam(mail_user)
    (root / "home").mkdir()
    os.chown(root / "home", account.pw_uid, account.pw_gid)
    (root / "users").write_text("".join(f"{u}:{{PLAIN}}{PASSWORD}\n" for u in users))
    config = root / "dovecot.conf"
    config.write_text(
        f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 0
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={account.pw_uid} gid={account.pw_gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    user = {internal}
  }}
  unix_listener stats-writer {{
    user = {internal}
  }}
}}
{extra}
"""
    )
    return config


@contextmanager
def dovecot(port: int, users: list[str], *, extra: str = "") -> Iterator[Server]:
    """`extra` is appended to the configuration (`imap_capability = …` hides IDLE)."""
    # Not pytest's tmp_path: it is private to the test user, and Dovecot's own accounts must
    # read the password file and write the mail.
    root = Path(tempfile.mkdtemp(prefix="relaydesk-dovecot-"))
    root.chmod(0o755)
    config = _config(root, port, users, extra)
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)], stderr=subprocess.PIPE)
    try:
        for _ in range(200):
            if process.poll() is not None:
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                raise RuntimeError(f"Dovecot did not start: {process.stderr.read()!r} {log}")  # type: ignore[union-attr]
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield Server("127.0.0.1", port, users)
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)
