"""Articles in the desk: editors (administrators, supervisors) write and preview them; every
agent looks them up from the reply composer to insert a link."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from relaydesk.desk.forms import apply_errors
from relaydesk.desk.views.common import agent_required, desk_user, forbidden
from relaydesk.kb import images, services
from relaydesk.kb.access import best_translations, can_edit
from relaydesk.kb.forms import ArticleForm, ImageForm
from relaydesk.kb.models import Article
from relaydesk.kb.render import render as render_markdown
from relaydesk.kb.search import search

LOOKUP_RESULTS = 8


def _editor(request: HttpRequest) -> None:
    if not can_edit(desk_user(request)):
        raise PermissionDenied(_("Only administrators and supervisors edit the knowledge base."))


@agent_required
@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    try:
        _editor(request)
    except PermissionDenied as error:
        return forbidden(request, error)
    articles = list(Article.objects.select_related("category").prefetch_related("translations"))
    titles = best_translations(articles, request.LANGUAGE_CODE)
    rows = [
        (a, titles.get(a.pk), sorted(t.language for t in a.translations.all())) for a in articles
    ]
    return render(request, "kb/desk_list.html", {"rows": rows})


def _initial(article: Article | None, language: str) -> dict[str, Any]:
    if article is None:
        return {"language": language}
    own = article.translations.filter(language=language).first()
    source = own or best_translations([article], language).get(article.pk)
    return {
        "title": source.title if source else "",
        "body": source.body if source else "",
        "language": language,
        "category": article.category_id,
        "visibility": article.visibility,
        "slug": article.slug,
    }


@agent_required
def edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    try:
        _editor(request)
    except PermissionDenied as error:
        return forbidden(request, error)
    article = get_object_or_404(Article, pk=pk) if pk is not None else None
    language = str(request.GET.get("language", request.LANGUAGE_CODE))
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    form = ArticleForm(request.POST or None, initial=_initial(article, language))
    context: dict[str, Any] = {"form": form, "article": article, **_gallery(article)}
    if request.method != "POST":
        return render(request, "kb/desk_edit.html", context)
    if not form.is_valid():
        return render(request, "kb/desk_edit.html", context, status=422)
    data = form.cleaned_data
    if request.POST.get("action") == "preview":
        context["preview"] = render_markdown(data["body"])
        return render(request, "kb/desk_edit.html", context)
    try:
        saved = services.save_article(actor=desk_user(request), article=article, **data)
    except ValidationError as error:
        apply_errors(form, error)
        return render(request, "kb/desk_edit.html", context, status=422)
    messages.success(request, _("The article is saved."))
    return redirect(f"{reverse('kb_desk:edit', args=[saved.pk])}?language={data['language']}")


def _gallery(article: Article | None, form: ImageForm | None = None) -> dict[str, Any]:
    """The editor's image box: the upload form and the article's images with their Markdown."""
    if article is None:
        return {}
    shown = [(image, images.markdown_for(image, "")) for image in article.images.all()[:50]]
    return {"image_form": form or ImageForm(), "images": shown}


@agent_required
@require_POST
def upload_image(request: HttpRequest, pk: int) -> HttpResponse:
    """An image for the article. The editor's script asks for JSON and puts the returned
    Markdown where the cursor is; without the script the page comes back with the Markdown
    in its image list."""
    try:
        _editor(request)
    except PermissionDenied as error:
        return forbidden(request, error)
    article = get_object_or_404(Article, pk=pk)
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = ImageForm(request.POST, request.FILES)
    try:
        if form.is_valid():
            image = images.add_image(
                actor=desk_user(request), article=article, upload=form.cleaned_data["image"]
            )
            markdown = images.markdown_for(image, form.cleaned_data["alt"])
            if wants_json:
                return JsonResponse({"markdown": markdown}, status=201)
            messages.success(
                request, _("The image is uploaded: %(markdown)s") % {"markdown": markdown}
            )
            return redirect("kb_desk:edit", pk=article.pk)
    except ValidationError as error:
        apply_errors(form, error)
    if wants_json:
        errors = [str(e) for field in form.errors.values() for e in field]
        return JsonResponse({"errors": errors}, status=422)
    language = settings.LANGUAGE_CODE
    context = {
        "form": ArticleForm(initial=_initial(article, language)),
        "article": article,
        **_gallery(article, form),
    }
    return render(request, "kb/desk_edit.html", context, status=422)


@agent_required
@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """The composer's knowledge-base box: articles agents may read, with links to insert."""
    query = str(request.GET.get("q", ""))[:200]
    hits = search(desk_user(request), query, request.LANGUAGE_CODE, limit=LOOKUP_RESULTS)
    results = [
        (hit, f"{settings.BASE_URL}{reverse('kb:article', args=[hit.slug])}") for hit in hits
    ]
    return render(request, "kb/_lookup.html", {"results": results, "query": query})
