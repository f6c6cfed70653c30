"""Where other areas add their own groups of results to the desk's search.

The knowledge base (built separately) registers a source in its AppConfig.ready():

    from relaydesk.search.sources import Source, register
    register(Source(key="kb", label=_("Knowledge base"), find=find_articles))

`find(user, text)` returns at most a handful of `Hit`s the user may see; snippets are escaped
text with `<mark>` around the matches (see `service.mark`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.safestring import SafeString

from relaydesk.accounts.models import User


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    snippet: SafeString | str = ""


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    find: Callable[[User, str], list[Hit]]


SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    SOURCES[source.key] = source
