"""Knowledge-base search (KB3): every word of the query in the title or text, readable
articles only, the reader's language first, titles that match before texts that match.

Text is kept case-folded in `Translation.search_text`, so the query is one `LIKE` per word and
runs the same on SQLite and PostgreSQL; on PostgreSQL a trigram GIN index (migration 0002)
answers those `LIKE`s without reading every text. `bench/kb.py` measures it."""

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
    rows = rows.select_related("article").only(
        "title", "language", "article__slug", "article__helpful_yes"
    )
    # The reader's language first, then the others for articles not found yet: each query
    # stops at its limit, so common words cost no more than rare ones.
    own = list(rows.filter(language=language)[: limit * 3])
    found = {t.article_id for t in own}
    others = []
    if len(found) < limit:
        others = list(rows.exclude(language=language).exclude(article_id__in=found)[: limit * 3])
    hits: dict[str, Hit] = {}
    for group in (own, others):
        ranked = sorted(
            group,
            key=lambda t: (
                not all(term in normalize(t.title) for term in terms),
                -t.article.helpful_yes,
            ),
        )
        for row in ranked:
            hits.setdefault(row.article.slug, Hit(row.article.slug, row.title, row.language))
    return list(hits.values())[:limit]
