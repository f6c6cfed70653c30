"""Knowledge-base search (KB3): every word of the query in the title or text, readable
articles only, the reader's language first, titles that match before texts that match.

Text is kept case-folded in `Translation.search_text`, so the query is one `LIKE` per word
and runs the same on SQLite and PostgreSQL (a scan of the readable translations)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from relaydesk.accounts.models import User
from relaydesk.kb.access import readable_articles
from relaydesk.kb.models import Translation
from relaydesk.kb.render import normalize

MAX_WORDS = 8
MIN_WORD = 2
MAX_QUERY = 200


@dataclass(frozen=True)
class Hit:
    slug: str
    title: str
    language: str


def words(query: str) -> list[str]:
    found = [w for w in normalize(query[:MAX_QUERY]).split() if len(w) >= MIN_WORD]
    return list(dict.fromkeys(found))[:MAX_WORDS]


def search(user: User | AnonymousUser, query: str, language: str, *, limit: int = 10) -> list[Hit]:
    terms = words(query)
    if not terms:
        return []
    rows = Translation.objects.filter(article__in=readable_articles(user))
    for term in terms:
        rows = rows.filter(search_text__contains=term)
    fields = ("title", "language", "article__slug", "article__helpful_yes")
    candidates = rows.select_related("article").only(*fields)[: limit * 6]
    ranked = sorted(
        candidates,
        key=lambda t: (
            t.language != language,
            not all(term in normalize(t.title) for term in terms),
            -t.article.helpful_yes,
        ),
    )
    hits: dict[str, Hit] = {}
    for row in ranked:
        if row.article.slug not in hits:
            hits[row.article.slug] = Hit(row.article.slug, row.title, row.language)
    return list(hits.values())[:limit]
