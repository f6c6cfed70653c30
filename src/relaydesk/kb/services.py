"""The one path for changes to the knowledge base: writing articles, views, votes."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from relaydesk.accounts.models import User
from relaydesk.kb.access import can_edit
from relaydesk.kb.models import Article, KbCategory, Translation, Visibility, Vote
from relaydesk.kb.render import render, search_text

MAX_TITLE = 200
MAX_BODY = 100_000


@transaction.atomic
def save_article(
    *,
    actor: User,
    article: Article | None,
    category: KbCategory,
    slug: str,
    visibility: str,
    language: str,
    title: str,
    body: str,
) -> Article:
    """Create an article or change it, with its text in one language (added or replaced)."""
    if not can_edit(actor):
        raise PermissionDenied(_("You may not edit the knowledge base."))
    errors: dict[str, str] = {}
    title = " ".join((title or "").replace("\x00", "").split())
    body = (body or "").replace("\x00", "").replace("\r\n", "\n").strip()
    slug = slugify(slug or title, allow_unicode=False)[:120]
    if not title:
        errors["title"] = _("A title is required.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("At most %(max)d characters.") % {"max": MAX_TITLE}
    if not body:
        errors["body"] = _("The article is empty.")
    elif len(body) > MAX_BODY:
        errors["body"] = _("At most %(max)d characters.") % {"max": MAX_BODY}
    if not slug:
        errors["slug"] = _("Give the address a few Latin letters or digits.")
    elif Article.objects.filter(slug=slug).exclude(pk=article.pk if article else 0).exists():
        errors["slug"] = _("Another article has this address.")
    if visibility not in Visibility.values:
        errors["visibility"] = _("Unknown visibility.")
    if language not in dict(settings.LANGUAGES):
        errors["language"] = _("Unknown language.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    if article is None:
        article = Article(author=actor, created_at=now)
    article.category, article.slug, article.visibility, article.updated_at = (
        category,
        slug,
        visibility,
        now,
    )
    article.save()
    html = render(body)
    Translation.objects.update_or_create(
        article=article,
        language=language,
        defaults={
            "title": title,
            "body": body,
            "body_html": html,
            "search_text": search_text(title, html),
            "updated_at": now,
        },
    )
    return article


def record_view(article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(views=F("views") + 1)


@transaction.atomic
def vote(article: Article, *, voter: str, helpful: bool) -> None:
    """One answer per voter; a changed mind moves the count, a repeat changes nothing."""
    try:
        with transaction.atomic():
            Vote.objects.create(article=article, voter=voter, helpful=helpful)
    except IntegrityError:
        previous = Vote.objects.select_for_update().get(article=article, voter=voter)
        if previous.helpful == helpful:
            return
        previous.helpful = helpful
        previous.save(update_fields=["helpful"])
        undo = "helpful_no" if helpful else "helpful_yes"
        Article.objects.filter(pk=article.pk).update(**{undo: F(undo) - 1})
    field = "helpful_yes" if helpful else "helpful_no"
    Article.objects.filter(pk=article.pk).update(**{field: F(field) + 1})
