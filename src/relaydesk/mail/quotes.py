"""Quoted history and signatures: kept in the message, folded away when shown (CH3).

The fold is a `<details>` element (allowed by the sanitizer), so the desk shows the new text and
one click opens the rest; nothing is cut.
"""

from __future__ import annotations

import html as html_lib
import re

from django.utils.translation import gettext as _

# Where the history of a reply starts, as the common clients write it.
_TEXT_MARKERS = re.compile(
    r"^(?:"
    r"-- ?$"  # signature separator
    r"|-{3,}\s*(?:Original Message|Исходное сообщение|Wiadomość oryginalna|Mesaj original)"
    r"|_{10,}$"  # Outlook's rule above "From: ... Sent: ..."
    r"|(?:From|От|Od|De la|De):\s.+$"
    r"|On .{4,200}wrote:$"
    r"|.{4,200}(?:написал|написала|писал|писала|napisał|napisała|a scris|نوشت)\(?[аa]?\)?:$"
    r"|>.*$"
    r")",
    re.MULTILINE,
)
_HTML_MARKERS = re.compile(
    r"<(?:div|blockquote)[^>]*(?:class=\"?[^\">]*(?:gmail_quote|moz-cite-prefix|yahoo_quoted)"
    r"|type=\"?cite|id=\"?(?:divRplyFwdMsg|appendonsend|mail-editor-reference-message-container))"
    r"|<hr[^>]*id=\"?stopSpelling"
    r"|<div[^>]*class=\"?(?:gmail_signature|moz-signature)",
    re.IGNORECASE,
)


def _summary() -> str:
    return html_lib.escape(_("Show quoted text"))


def split_text(text: str) -> tuple[str, str]:
    """(new text, quoted history and signature); the second is "" when nothing is quoted."""
    match = _TEXT_MARKERS.search(text)
    if match is None or not text[: match.start()].strip():
        return text, ""
    return text[: match.start()].rstrip(), text[match.start() :]


def text_to_folded_html(text: str) -> str:
    """HTML for a plain-text mail whose history should fold; "" when it has none."""
    main, quoted = split_text(text)
    if not quoted:
        return ""
    paragraphs = "".join(
        f"<p>{html_lib.escape(p).replace(chr(10), '<br>')}</p>" for p in main.split("\n\n") if p
    )
    return (
        f"{paragraphs}<details><summary>{_summary()}</summary>"
        f"<pre>{html_lib.escape(quoted)}</pre></details>"
    )


def fold_html(value: str) -> str:
    match = _HTML_MARKERS.search(value)
    if match is None or not re.sub(r"<[^>]*>|\s|&nbsp;", "", value[: match.start()]):
        return value
    return (
        f"{value[: match.start()]}<details><summary>{_summary()}</summary>"
        f"{value[match.start() :]}</details>"
    )
