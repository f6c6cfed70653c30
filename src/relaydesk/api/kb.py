"""Knowledge-base categories and articles (AP1): read by everyone as `/kb/` shows them (no
token needed for published articles), written by editors through `kb.services` with If-Match."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from relaydesk.accounts.models import User
from relaydesk.api import conditional
from relaydesk.api.auth import ANONYMOUS, AUTH, reader, require_write
from relaydesk.api.problems import COMMON
from relaydesk.api.schemas import Ref
from relaydesk.kb import services
from relaydesk.kb.access import Person, best_translations, can_edit, readable_articles
from relaydesk.kb.models import Article, KbCategory, Translation
from relaydesk.kb.search import search

router = Router(tags=["knowledge base"])
READ_AUTH = [*AUTH, ANONYMOUS]
# In the OpenAPI document: ninja lists the token and the session; this adds "or nothing".
OPEN_READ: dict[str, Any] = {"security": [{}]}
MAX_PAGE = 100
LanguageCode = Literal["en", "ru", "ro", "pl", "fa"]
VisibilityName = Literal["draft", "published", "internal"]


class CategoryOut(Schema):
    id: int
    slug: str
    name: str = Field(description="In the requested language when translated.")
    position: int


class ArticleSummary(Schema):
    id: int
    slug: str
    category: Ref
    visibility: VisibilityName
    language: str = Field(description="The language of `title` (and `body`).")
    title: str
    updated_at: datetime.datetime


class ArticleOut(ArticleSummary):
    body: str = Field(description="Markdown as written.")
    body_html: str = Field(description="Rendered and sanitized.")
    languages: list[str]
    helpful_yes: int
    helpful_no: int
    created_at: datetime.datetime


class ArticlePage(Schema):
    items: list[ArticleSummary]
    next_cursor: str | None


class ArticleQuery(Schema):
    category: int | None = Field(default=None, ge=1, le=2**62)
    q: str | None = Field(default=None, max_length=200, description="Words to search for.")
    language: LanguageCode | None = None
    cursor: int = Field(default=0, ge=0, le=2**62)
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)


class ArticleIn(Schema):
    category: int | str = Field(description="Id or slug.")
    slug: str = Field(default="", max_length=120, description="Made from the title if empty.")
    visibility: VisibilityName = "draft"
    language: LanguageCode = "en"
    title: str = Field(max_length=1000)
    body: str = Field(max_length=200_000, description="Markdown.")


class ArticleChange(Schema):
    """Send only what changes. `title` and `body` are the text in `language` (default the
    site's language); a language the article lacks is added."""

    category: int | str | None = Field(default=None, description="Id or slug.")
    slug: str | None = Field(default=None, max_length=120)
    visibility: VisibilityName | None = None
    language: LanguageCode | None = None
    title: str | None = Field(default=None, max_length=1000)
    body: str | None = Field(default=None, max_length=200_000)


def _language(request: HttpRequest, asked: str | None) -> str:
    user = reader(request)
    if asked:
        return asked
    if isinstance(user, User) and user.language:
        return user.language
    return str(getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE))


def _category(value: int | str) -> KbCategory:
    text = str(value).strip()
    rows = KbCategory.objects.all()
    found = (rows.filter(pk=int(text)) if text.isdigit() else rows.filter(slug=text)).first()
    if found is None:
        raise ValidationError({"category": _("No such category: %(v)s") % {"v": text[:60]}})
    return found


def _readable(user: Person, article_id: int) -> Article:
    try:
        return readable_articles(user).select_related("category").get(pk=article_id)
    except Article.DoesNotExist:
        raise Http404 from None


def _summary(article: Article, translation: Translation, language: str) -> dict[str, Any]:
    return {
        "id": article.pk,
        "slug": article.slug,
        "category": {"id": article.category_id, "name": article.category.name_in(language)},
        "visibility": article.visibility,
        "language": translation.language,
        "title": translation.title,
        "updated_at": article.updated_at,
    }


def _article(article: Article, language: str) -> dict[str, Any]:
    translation = best_translations([article], language).get(article.pk)
    if translation is None:  # an article is always saved with a text; only a race gets here
        raise Http404
    return {
        **_summary(article, translation, language),
        "body": translation.body,
        "body_html": translation.body_html,
        "languages": list(article.translations.values_list("language", flat=True)),
        "helpful_yes": article.helpful_yes,
        "helpful_no": article.helpful_no,
        "created_at": article.created_at,
    }


@router.get(
    "/kb/categories",
    response={200: list[CategoryOut], **COMMON},
    auth=READ_AUTH,
    openapi_extra=OPEN_READ,
)
def list_categories(
    request: HttpRequest, language: LanguageCode | None = None
) -> list[dict[str, Any]]:
    """Categories holding an article the caller may read (editors get every category)."""
    user = reader(request)
    chosen = _language(request, language)
    categories = KbCategory.objects.all()
    if not can_edit(user):
        categories = categories.filter(pk__in=readable_articles(user).values("category_id"))
    return [
        {"id": c.pk, "slug": c.slug, "name": c.name_in(chosen), "position": c.position}
        for c in categories
    ]


@router.get(
    "/kb/articles", response={200: ArticlePage, **COMMON}, auth=READ_AUTH, openapi_extra=OPEN_READ
)
def list_articles(request: HttpRequest, query: Query[ArticleQuery]) -> dict[str, Any]:
    """Articles the caller may read: customers and callers without a token get published
    ones, agents also internal ones, editors also drafts. Each in the best language (the
    asked one, else the site's, else any). With `q`, the best matches (one page, no cursor)."""
    user = reader(request)
    language = _language(request, query.language)
    articles = readable_articles(user).select_related("category")
    if query.category:
        articles = articles.filter(category_id=query.category)
    if query.q:
        slugs = [hit.slug for hit in search(user, query.q, language, limit=query.limit)]
        found = {a.slug: a for a in articles.filter(slug__in=slugs)}
        rows = [found[s] for s in slugs if s in found]
        more = False
    else:
        rows = list(articles.filter(pk__gt=query.cursor).order_by("pk")[: query.limit + 1])
        more = len(rows) > query.limit
        rows = rows[: query.limit]
    texts = best_translations(rows, language)
    return {
        "items": [_summary(a, texts[a.pk], language) for a in rows if a.pk in texts],
        "next_cursor": str(rows[-1].pk) if more else None,
    }


@router.get(
    "/kb/articles/{article_id}",
    response={200: ArticleOut, **COMMON},
    auth=READ_AUTH,
    openapi_extra=OPEN_READ,
)
def get_article(
    request: HttpRequest,
    article_id: int,
    response: HttpResponse,
    language: LanguageCode | None = None,
) -> dict[str, Any]:
    """One article with its text; a draft or internal article the caller may not read is
    404. The `ETag` is what an editor sends back as `If-Match`."""
    article = _readable(reader(request), article_id)
    response["ETag"] = conditional.etag(article)
    return _article(article, _language(request, language))


@router.post("/kb/articles", response={201: ArticleOut, **COMMON})
def create_article(
    request: HttpRequest, payload: ArticleIn, response: HttpResponse
) -> Status[dict[str, Any]]:
    """Administrators and supervisors write articles."""
    user = require_write(request)
    article = services.save_article(
        actor=user,
        article=None,
        category=_category(payload.category),
        slug=payload.slug,
        visibility=payload.visibility,
        language=payload.language,
        title=payload.title,
        body=payload.body,
    )
    response["ETag"] = conditional.etag(article)
    return Status(201, _article(article, payload.language))


@router.patch(
    "/kb/articles/{article_id}",
    response={200: ArticleOut, **conditional.PRECONDITIONS, **COMMON},
)
def update_article(
    request: HttpRequest,
    article_id: int,
    payload: ArticleChange,
    response: HttpResponse,
    if_match: str | None = conditional.IF_MATCH,
) -> dict[str, Any]:
    """Change an article or one language of its text. `If-Match` is required (412 when the
    article changed since you read it, 428 without it)."""
    user = require_write(request)
    article = _readable(user, article_id)
    if not can_edit(user):
        raise PermissionDenied(_("You may not edit the knowledge base."))
    language = payload.language or settings.LANGUAGE_CODE
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        conditional.require_match(if_match, locked)
        current = locked.translations.filter(language=language).first()
        services.save_article(
            actor=user,
            article=locked,
            category=locked.category if payload.category is None else _category(payload.category),
            slug=locked.slug if payload.slug is None else payload.slug,
            visibility=payload.visibility or locked.visibility,
            language=language,
            title=payload.title if payload.title is not None else getattr(current, "title", ""),
            body=payload.body if payload.body is not None else getattr(current, "body", ""),
        )
    fresh = _readable(user, article_id)
    response["ETag"] = conditional.etag(fresh)
    return _article(fresh, language)
