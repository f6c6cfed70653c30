"""The knowledge base for readers at /kb/: index, article, search, suggestions, votes."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from relaydesk.kb import services
from relaydesk.kb.access import best_translations, can_edit, readable_articles
from relaydesk.kb.models import Article, ArticleImage, KbCategory, Visibility
from relaydesk.kb.search import search

SUGGESTIONS = 5


def _language(request: HttpRequest) -> str:
    return str(getattr(request, "LANGUAGE_CODE", "en"))


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    language = _language(request)
    articles = list(readable_articles(request.user).select_related("category"))
    titles = best_translations(articles, language)
    sections: dict[int, tuple[KbCategory, list[tuple[Article, str]]]] = {}
    for article in articles:
        if article.pk not in titles:
            continue
        entry = sections.setdefault(article.category_id, (article.category, []))
        entry[1].append((article, titles[article.pk].title))
    context = {
        "sections": [
            (category.name_in(language), entries) for category, entries in sections.values()
        ],
        "can_edit": can_edit(request.user),
    }
    return render(request, "kb/index.html", context)


def _readable(request: HttpRequest, slug: str) -> Article:
    try:
        return readable_articles(request.user).select_related("category").get(slug=slug)
    except Article.DoesNotExist:
        raise Http404(_("No such article.")) from None


@require_GET
def article(request: HttpRequest, slug: str) -> HttpResponse:
    found = _readable(request, slug)
    language = _language(request)
    translation = best_translations([found], language).get(found.pk)
    if translation is None:
        raise Http404(_("No such article."))
    services.record_view(found)
    context = {
        "article": found,
        "translation": translation,
        "category_name": found.category.name_in(language),
        "fallback": translation.language != language,
        "can_edit": can_edit(request.user),
    }
    return render(request, "kb/article.html", context)


def _voter(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    if not request.session.session_key:
        request.session.save()
    key = str(request.session.session_key)
    return "session:" + hashlib.sha256(key.encode()).hexdigest()[:40]


@require_POST
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    found = _readable(request, slug)
    answer = request.POST.get("helpful")
    if answer not in ("yes", "no"):
        messages.error(request, _("Answer yes or no."))
        return redirect("kb:article", slug=slug, permanent=False)
    services.vote(found, voter=_voter(request), helpful=answer == "yes")
    messages.success(request, _("Thank you for your feedback."))
    return redirect("kb:article", slug=slug)


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query = str(request.GET.get("q", ""))[:200]
    hits = search(request.user, query, _language(request), limit=30)
    return render(request, "kb/search.html", {"query": query, "hits": hits})


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """Articles for the words typed so far (the new request's subject): an htmx fragment."""
    query = str(request.GET.get("q", request.GET.get("subject", "")))[:200]
    hits = search(request.user, query, _language(request), limit=SUGGESTIONS)
    return render(request, "kb/_suggestions.html", {"hits": hits})


@require_GET
def image(request: HttpRequest, pk: int) -> FileResponse:
    """An article's image, to whoever may read the article: everyone for a published one,
    agents for an internal one, editors for a draft; 404 for anyone else."""
    try:
        found = ArticleImage.objects.select_related("article").get(
            pk=pk, article__in=readable_articles(request.user)
        )
    except ArticleImage.DoesNotExist:
        raise Http404(_("No such image.")) from None
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Content-Disposition"] = "inline"
    public = found.article.visibility == Visibility.PUBLISHED
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response
