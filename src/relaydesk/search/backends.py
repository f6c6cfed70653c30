"""The two engines behind one interface: PostgreSQL full text + pg_trgm, and SQLite FTS5.

A backend turns the words someone typed into (1) a condition on tickets, (2) a relevance
expression and (3) snippets for the tickets of one page. Snippets come back with the matches
between the markers START and STOP (control characters that never reach the index), so the
caller can escape the text and then mark it up.
"""

from __future__ import annotations

import json
import math
import re
import time
from typing import Any, Protocol

from django.db import connection, transaction
from django.db.models import BooleanField, Expression, F, FloatField, Func, Q, TextField, Value
from django.db.models.expressions import RawSQL

START, STOP = "\x02", "\x03"
_WORD = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'"([^"]*)"')
MIN_PREFIX = 3  # a shorter word is matched whole: "a:*" would touch every document
BITMAP_MEMORY = "32MB"  # work_mem of the index query (see few_matches)
SNIPPET_TEXT = 4000  # characters of a document's text searched for its snippet


def words(text: str) -> list[str]:
    return _WORD.findall(text)


class Backend(Protocol):
    def condition(self, text: str, *, notes: bool) -> Q: ...

    def few_matches(self, text: str, *, notes: bool, cap: int) -> list[int] | None: ...

    def rank(self, text: str, *, notes: bool) -> Expression: ...

    def snippets(self, ids: list[int], text: str, *, notes: bool) -> dict[int, str]: ...


CONFIGS = ("english", "russian", "romanian")


def tsquery(text: str) -> str:
    """The words as a tsquery, computed once by the server and then passed as a constant (so
    the planner can weigh it against the column statistics): the web-search syntax read by
    each stemming configuration, OR-ed, plus (without a quoted phrase) every word as an
    unaccented prefix: partial words, Polish typed without diacritics."""
    parts = [f"websearch_to_tsquery('{c}', %s)" for c in CONFIGS]
    parts.append("websearch_to_tsquery('simple', unaccent(%s))")
    params: list[Any] = [text] * len(parts)
    terms = words(text)
    if terms and '"' not in text and all(len(t) >= MIN_PREFIX for t in terms):
        parts.append("to_tsquery('simple', unaccent(%s))")
        params.append(" & ".join(f"{t}:*" for t in terms))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({' || '.join(parts)})::text", params)
        row = cursor.fetchone()
    return str(row[0]) if row else ""


class TsQuery(Func):
    """A computed tsquery as a constant."""

    template = "%(expressions)s::tsquery"
    output_field: Any = TextField()

    def __init__(self, query: str) -> None:
        super().__init__(Value(query))


class Matches(Func):
    """`vector @@ query` for a tsvector column reached through the ticket."""

    output_field: Any = BooleanField()
    template = "%(expressions)s"
    arg_joiner = " @@ "


class AnyOf(Func):
    """`column = ANY(array)`: a list of ids as one parameter (PostgreSQL), not one each."""

    output_field: Any = BooleanField()
    template = "%(expressions)s)"
    arg_joiner = " = ANY("

    def __init__(self, column: F, ids: list[int]) -> None:
        super().__init__(column, Value(ids))


class Rank(Func):
    function = "ts_rank"
    output_field: Any = FloatField()


COMMON_TTL = 600.0  # seconds: the statistics change only when ANALYZE runs
COMMON_SHARE = 0.01  # a lexeme in more than 1% of the documents is walked, not fetched
_common: tuple[float, frozenset[str]] = (0.0, frozenset())


def _common_lexemes() -> frozenset[str]:
    """The lexemes of the public text in more than COMMON_SHARE of the documents, as ANALYZE
    last saw them (per process, re-read every COMMON_TTL seconds). Before the first ANALYZE
    there are none: everything is rare."""
    global _common
    read_at, lexemes = _common
    if time.monotonic() - read_at < COMMON_TTL:
        return lexemes
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
            " WHERE tablename = 'search_searchdocument' AND attname = 'public_vector'"
        )
        row = cursor.fetchone()
    elements, shares = (row[0] or [], row[1] or []) if row else ([], [])
    lexemes = frozenset(e for e, f in zip(elements, shares, strict=False) if f > COMMON_SHARE)
    _common = (time.monotonic(), lexemes)
    return lexemes


def alternatives(query: str) -> list[str]:
    """The distinct top-level alternatives of a tsquery's text ("a & b | c" → "a & b", "c"):
    the same words read by each configuration, mostly."""
    parts: list[str] = []
    current: list[str] = []
    depth, quoted, n = 0, False, 0
    while n < len(query):
        char = query[n]
        if char == "'" and quoted and query[n + 1 : n + 2] == "'":  # an escaped quote
            current.append("''")
            n += 2
            continue
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
        elif not quoted and char == "|" and depth == 0:
            parts.append("".join(current).strip())
            current = []
            n += 1
            continue
        current.append(char)
        n += 1
    parts.append("".join(current).strip())
    return list(dict.fromkeys(p for p in parts if p))


def _estimate(query: str, cap: float) -> float:
    """The planner's row estimate (planned, not run) of the documents whose public text
    matches the query: its largest alternative, or the first found above `cap`. The planner
    adds up an OR's parts as if independent; the alternatives are mostly one set of words in
    several configurations, so their union is about the largest of them, not the sum. (Notes
    are a small part of the text: `few_matches` still counts what the index returns.)"""
    largest = 0.0
    with connection.cursor() as cursor:
        for part in alternatives(query):
            cursor.execute(
                "EXPLAIN (FORMAT JSON) SELECT 1 FROM search_searchdocument"
                " WHERE public_vector @@ %s::tsquery",
                [part],
            )
            row = cursor.fetchone()
            plan = json.loads(row[0]) if row and isinstance(row[0], str) else row and row[0]
            largest = max(largest, float(plan[0]["Plan"]["Plan Rows"]) if plan else math.inf)
            if largest > cap:
                break
    return largest


def _at_most(condition: str) -> str:
    """The documents matching `condition`, at most as many as the last parameter says. The
    matching is a materialized CTE, planned as wanted whole: planned with the LIMIT, a prefix
    term's default estimate of many matches made PostgreSQL read the table in order, hoping to
    stop early (7 s for a rare word at 1,000,000 tickets), instead of asking the index (1 ms)."""
    return (
        f"WITH matching AS MATERIALIZED (SELECT ticket_id FROM search_searchdocument"  # noqa: S608
        f" WHERE {condition}) SELECT ticket_id FROM matching LIMIT %s"
    )


class PostgreSQLBackend:
    def __init__(self) -> None:
        self.queries: dict[str, str] = {}

    def tsquery_text(self, text: str) -> str:
        """The words' tsquery, computed once per search (one round trip)."""
        if text not in self.queries:
            self.queries[text] = tsquery(text)
        return self.queries[text]

    def query(self, text: str) -> TsQuery:
        return TsQuery(self.tsquery_text(text))

    def condition(self, text: str, *, notes: bool) -> Q:
        public = "search_document__public_vector"
        matched = Q(Matches(F(public), self.query(text)))
        if notes:
            matched |= Q(Matches(F("search_document__note_vector"), self.query(text)))
        return matched

    def few_matches(self, text: str, *, notes: bool, cap: int) -> list[int] | None:
        """The ids of the matching tickets when there are few of them, else None.

        The planner cannot tell a rare word from a common one in the ticket query (prefix
        terms get default selectivities), so it always walks the newest
        tickets and tests each: ideal for a common word, seconds for a rare one or for common
        words that seldom occur together ("refund mobile"). The column statistics can tell:
        a lexeme not among the most common elements of `public_vector` is rare; otherwise
        the planner's estimate of the vector condition alone (which multiplies the shares of
        words that must all occur) says whether the matches are few. Few: the GIN indexes
        answer at once (bitmap scans, intersected for AND). More than `cap` matches after
        all: None, and the walk it is.

        Typos: only when the words match no document are subjects searched for words like
        them (pg_trgm's `<%` on the title). Checking every subject for similar words whatever
        the match read ~25,000 titles for two common words at 1,000,000 tickets (~430 ms),
        to add tickets whose subject is misspelt to results that are there anyway."""
        query = self.tsquery_text(text)
        columns = ["public_vector", "note_vector"] if notes else ["public_vector"]
        if not self._all_rare(query) and _estimate(query, cap) > cap:
            return None
        vectors = " OR ".join(f"{column} @@ %s::tsquery" for column in columns)
        # Room for exact bitmaps: a prefix term ("mobile:*") gathers every matching lexeme's
        # rows into one bitmap, which turns lossy at the default 4 MB and makes PostgreSQL
        # re-read three times as many documents (895 -> 253 ms at 1,000,000).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{BITMAP_MEMORY}'")
            cursor.execute(_at_most(vectors), [*[query] * len(columns), cap + 1])
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:  # the words match nothing: a typo, perhaps, of a subject's words
                cursor.execute(_at_most("%s <%% title"), [text, cap + 1])
                ids = [row[0] for row in cursor.fetchall()]
        return ids if len(ids) <= cap else None

    @staticmethod
    def _all_rare(query: str) -> bool:
        common = _common_lexemes()
        for lexeme, prefix in re.findall(r"'((?:[^']|'')+)'(:\*)?", query):
            if lexeme in common or (prefix and any(c.startswith(lexeme) for c in common)):
                return False
        return True

    def rank(self, text: str, *, notes: bool) -> Expression:
        vector: Expression | F = F("search_document__public_vector")
        if notes:
            vector = Func(
                vector,
                F("search_document__note_vector"),
                template="(%(expressions)s)",
                arg_joiner=" || ",
            )
        return Rank(vector, self.query(text))

    def snippets(self, ids: list[int], text: str, *, notes: bool) -> dict[int, str]:
        if not ids:
            return {}
        # A bounded prefix of each text: ts_headline parses all it is given (a document may
        # hold 300,000 characters); a match beyond the prefix just shows no snippet.
        public, note = (
            f"left({column}, {SNIPPET_TEXT})" for column in ("public_text", "note_text")
        )
        body = f"{public} || E'\\n' || {note}" if notes else public
        options = f"StartSel={START}, StopSel={STOP}, MaxWords=24, MinWords=10, MaxFragments=2"
        sql = (
            f"SELECT ticket_id, ts_headline(config::regconfig, {body}, %s::tsquery, %s)"  # noqa: S608 (fixed SQL; words are parameters)
            " FROM search_searchdocument WHERE ticket_id = ANY(%s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.tsquery_text(text), options, ids])
            return {pk: snippet for pk, snippet in cursor.fetchall() if START in snippet}


def fts5_query(text: str, *, notes: bool) -> str:
    """An FTS5 MATCH expression: quoted phrases, and each word as a prefix of its light stem
    (FTS5 has no Russian or Romanian stemmer; dropping the ending of a long word finds its
    other forms: "заявки" → "заяв*" finds "заявка", "facturile" → "factur*" finds "factura").
    Everything is quoted: no FTS5 syntax reaches the engine from the user."""
    terms = [f'"{" ".join(words(p))}"' for p in _PHRASE.findall(text) if words(p)]
    for word in words(_PHRASE.sub(" ", text)):
        stem = word[: max(len(word) - (3 if len(word) >= 7 else 2), 4)] if len(word) > 4 else word
        terms.append(f'"{stem}"*')
    if not terms:
        return ""
    columns = "{title public_text note_text}" if notes else "{title public_text}"
    return f"{columns} : ({' AND '.join(terms)})"


class SQLiteBackend:
    def few_matches(self, text: str, *, notes: bool, cap: int) -> list[int] | None:
        return None  # FTS5's MATCH subquery is already driven by the index

    def condition(self, text: str, *, notes: bool) -> Q:
        query = fts5_query(text, notes=notes)
        if not query:
            return Q(pk__in=[])
        matching = RawSQL("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [query])
        return Q(pk__in=matching)

    def rank(self, text: str, *, notes: bool) -> Expression:
        sql = (
            "(SELECT -bm25(search_fts, 10.0, 1.0, 1.0) FROM search_fts"
            " WHERE search_fts MATCH %s AND rowid = tickets_ticket.id)"
        )
        query = [fts5_query(text, notes=notes)]
        return RawSQL(sql, query, output_field=FloatField())  # noqa: S611 (words are parameters)

    def snippets(self, ids: list[int], text: str, *, notes: bool) -> dict[int, str]:
        query = fts5_query(text, notes=notes)
        if not ids or not query:
            return {}
        column = -1 if notes else 1
        marks = ", ".join(["%s"] * len(ids))
        sql = (
            f"SELECT rowid, snippet(search_fts, {column}, char(2), char(3), '…', 20)"  # noqa: S608
            f" FROM search_fts WHERE search_fts MATCH %s AND rowid IN ({marks})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [query, *ids])
            return {pk: snippet for pk, snippet in cursor.fetchall() if START in snippet}


def backend() -> Backend:
    return PostgreSQLBackend() if connection.vendor == "postgresql" else SQLiteBackend()
