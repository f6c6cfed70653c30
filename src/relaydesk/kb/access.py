"""Who reads which articles, and which translation they get (KB1, KB2)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from relaydesk.accounts.models import Role, User
from relaydesk.kb.models import Article, Translation, Visibility

Person = User | AnonymousUser
EDITOR_ROLES = (Role.ADMIN, Role.SUPERVISOR)


def can_edit(user: Person) -> bool:
    """Administrators and supervisors write articles; agents read internal ones."""
    return isinstance(user, User) and user.is_active and user.role in EDITOR_ROLES


def readable_articles(user: Person) -> QuerySet[Article]:
    articles = Article.objects.all()
    if can_edit(user):
        return articles
    if isinstance(user, User) and user.is_agent:
        return articles.filter(visibility__in=(Visibility.PUBLISHED, Visibility.INTERNAL))
    return articles.filter(visibility=Visibility.PUBLISHED)


def best_translations(articles: Iterable[Article], language: str) -> dict[int, Translation]:
    """Per article id: the reader's language, else the site's default, else any (one query)."""
    ids = [a.pk for a in articles]
    preference = {language: 0, settings.LANGUAGE_CODE: 1}
    best: dict[int, Translation] = {}
    for translation in Translation.objects.filter(article_id__in=ids).defer("search_text"):
        current = best.get(translation.article_id)
        rank = preference.get(translation.language, 2)
        if current is None or rank < preference.get(current.language, 2):
            best[translation.article_id] = translation
    return best
