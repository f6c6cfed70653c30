"""Translation gate (`make lint`): every catalog complete for every string the code has now.

For each of ru, ro, pl, fa, `src/relaydesk/locale/<lang>/LC_MESSAGES/django.po` (and
`djangojs.po` when the JavaScript has strings) must exist, contain every msgid that
`makemessages` extracts from `src/relaydesk` today, translate all of them (every plural form
too), have no fuzzy entries and pass `msgfmt --check`. Extraction runs on a temporary copy of
the source tree, so the real catalogs are never touched.

To update the catalogs themselves:
    cd src/relaydesk && uv run relaydesk makemessages -l ru -l ro -l pl -l fa --no-obsolete
    cd src/relaydesk && uv run relaydesk makemessages -d djangojs -l ru -l ro -l pl -l fa
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "relaydesk"
LOCALE = PACKAGE / "locale"
LANGUAGES = ("ru", "ro", "pl", "fa")
DOMAINS = ("django", "djangojs")
SHOWN = 15  # missing or untranslated msgids listed per catalog

Key = tuple[str | None, str]  # (msgctxt, msgid)


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False

    @property
    def key(self) -> Key:
        return (self.msgctxt, self.msgid or "")

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


@dataclass
class Catalog:
    entries: dict[Key, Entry]
    nplurals: int


def parse_po(path: Path) -> Catalog:
    """A small PO reader: active entries by (msgctxt, msgid); obsolete (#~) ones are left out."""
    entries: dict[Key, Entry] = {}
    entry, fuzzy_next, target = Entry(), False, ""

    def finish() -> None:
        nonlocal entry
        if entry.msgid is not None:
            entries[entry.key] = entry
        entry = Entry()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            if entry.msgstr:
                finish()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy_next = True
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = "", line
        value: str = ast.literal_eval(rest) if rest else ""
        if keyword in ("msgctxt", "msgid") and entry.msgstr:
            finish()
        if keyword:
            target = keyword
            if keyword in ("msgctxt", "msgid") and fuzzy_next:
                entry.fuzzy, fuzzy_next = True, False
        if target == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + value
        elif target == "msgid":
            entry.msgid = (entry.msgid or "") + value
        elif target == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + value
        elif target.startswith("msgstr"):
            index = int(target[7:-1]) if target != "msgstr" else 0
            entry.msgstr[index] = entry.msgstr.get(index, "") + value
    finish()
    header = entries.pop((None, ""), Entry())
    plural = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr.get(0, ""))
    return Catalog(entries, int(plural.group(1)) if plural else 0)


def extract(domain: str) -> dict[Key, Entry]:
    """What `makemessages` extracts now, from a throwaway copy of the package."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "relaydesk"
        shutil.copytree(
            PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc")
        )
        (copy / "locale").mkdir()
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        subprocess.run(  # noqa: S603 (fixed arguments)
            [
                sys.executable,
                "-m",
                "django",
                "makemessages",
                "-d",
                domain,
                "-l",
                "en",
                "--no-location",
                "--verbosity",
                "0",
            ],
            cwd=copy,
            env=env,
            check=True,
        )
        po = copy / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
        return parse_po(po).entries if po.exists() else {}


def msgfmt_errors(path: Path) -> list[str]:
    result = subprocess.run(  # noqa: S603
        ["msgfmt", "--check", "-o", os.devnull, str(path)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stderr.strip().splitlines() if result.returncode else []


def check(language: str, domain: str, wanted: dict[Key, Entry]) -> list[str]:
    """Problems of one catalog, as printable lines (empty when it is complete)."""
    path = LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        return [f"missing file {path.relative_to(ROOT)} ({len(wanted)} strings to translate)"]
    catalog = parse_po(path)
    problems: list[str] = []
    missing = [key for key in wanted if key not in catalog.entries]
    present = [catalog.entries[key] for key in wanted if key in catalog.entries]
    fuzzy = [e.key for e in present if e.fuzzy]
    untranslated = [e.key for e in present if not e.fuzzy and not e.translated]
    if any(e.msgid_plural for e in present):
        if catalog.nplurals == 0:
            problems.append("no Plural-Forms header")
        short = [e.key for e in present if e.msgid_plural and len(e.msgstr) < catalog.nplurals]
        untranslated += [k for k in short if k not in untranslated]
    for label, keys in (("missing", missing), ("untranslated", untranslated), ("fuzzy", fuzzy)):
        if keys:
            problems.append(f"{len(keys)} {label}:")
            problems += [f"    {show(key)}" for key in keys[:SHOWN]]
            if len(keys) > SHOWN:
                problems.append(f"    ... and {len(keys) - SHOWN} more")
    problems += [f"msgfmt: {line}" for line in msgfmt_errors(path)]
    return problems


def show(key: Key) -> str:
    context, msgid = key
    text = msgid if len(msgid) <= 70 else msgid[:67] + "..."
    return repr(text) + (f" (context {context!r})" if context else "")


def main() -> int:
    if shutil.which("msgfmt") is None:
        print("check_translations: GNU gettext (msgfmt, xgettext) is not installed.")
        return 1
    failed = False
    for domain in DOMAINS:
        wanted = extract(domain)
        if not wanted:
            continue
        print(f"{domain}: {len(wanted)} strings in the code")
        for language in LANGUAGES:
            problems = check(language, domain, wanted)
            failed = failed or bool(problems)
            print(f"  {language}: " + ("complete" if not problems else "INCOMPLETE"))
            for line in problems:
                print(f"    {line}")
    print("Translations incomplete." if failed else "Translations complete.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
