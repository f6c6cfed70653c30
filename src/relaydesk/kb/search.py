"""Knowledge-base search (KB3): every word of the query in the title or text, readable
articles only, the reader's language first, titles that match before texts that match.

Text is kept case-folded in `Translation.search_text`, so the query is one `LIKE` per word and
runs the same on SQLite and PostgreSQL; on PostgreSQL a trigram GIN index (migration 0002)
answers those `LIKE`s without reading every text. `bench/kb.py` measures it."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet, TextField, Value
from django.db.models.functions import Concat

from relaydesk.accounts.models import User
from relaydesk.kb.access import readable_articles
from relaydesk.kb.models import Article, Translation
from relaydesk.kb.render import normalize

MAX_WORDS = 8
MIN_WORD = 2
MAX_QUERY = 200
WINDOW = 200  # articles whose texts are read in order before the index is asked


@dataclass(frozen=True)
class Hit:
    slug: str
    title: str
    language: str


def words(query: str) -> list[str]:
    found = [w for w in normalize(query[:MAX_QUERY]).split() if len(w) >= MIN_WORD]
    return list(dict.fromkeys(found))[:MAX_WORDS]


def _containing(rows: QuerySet[Translation], field: str, terms: list[str]) -> QuerySet[Translation]:
    for term in terms:
        rows = rows.filter(**{f"{field}__contains": term})
    return rows


def _in_language(
    rows: QuerySet[Translation], terms: list[str], language: str, count: int
) -> list[Translation]:
    """Up to `count` matches in one language. A word most texts contain is found fastest by
    reading texts in order until enough match; a rare word by the trigram index, whose bitmap
    then stays small. So first the texts of the first `WINDOW` articles are read in article
    order (the LIKEs wrapped so the planner cannot take the trigram index, whose bitmap over a
    common word would hold every text of every language), and only if they hold too few
    matches is the index asked."""
    cutoff = Article.objects.order_by("pk").values_list("pk", flat=True)[WINDOW:].first()
    if cutoff is not None:  # fewer articles: the index alone is quick
        window = rows.filter(language=language, article_id__lte=cutoff).alias(
            scanned=Concat("search_text", Value(""), output_field=TextField())
        )
        ordered = window.order_by("language", "article_id")  # the (language, article) index
        found = list(_containing(ordered, "scanned", terms)[:count])
        if len(found) >= count:
            return found
    return list(_containing(rows, "search_text", terms).filter(language=language)[:count])


def search(user: User | AnonymousUser, query: str, language: str, *, limit: int = 10) -> list[Hit]:
    terms = words(query)
    if not terms:
        return []
    rows = (
        Translation.objects.filter(article__in=readable_articles(user))
        .select_related("article")
        .only("title", "language", "article__slug", "article__helpful_yes")
        .order_by()
    )
    # The reader's language first, then the others for articles not found yet: each query
    # stops at its limit, so common words cost no more than rare ones.
    own = _in_language(rows, terms, language, limit * 3)
    found = {t.article_id for t in own}
    others = []
    if len(found) < limit:
        others = list(
            _containing(rows, "search_text", terms)
            .exclude(language=language)
            .exclude(article_id__in=found)[: limit * 3]
        )
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
