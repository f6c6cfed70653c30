"""Knowledge-base fixtures: a category, an article writer, and every kind of reader."""

import pytest
from django.test import Client

from relaydesk.conftest import signed_in
from relaydesk.kb import services
from relaydesk.kb.models import Article, KbCategory, Visibility


@pytest.fixture
def category(db) -> KbCategory:
    return KbCategory.objects.create(
        name="Accounts", slug="accounts", names={"ru": "Учётные записи"}
    )


@pytest.fixture
def write(admin_user, category):
    def make(slug, visibility=Visibility.PUBLISHED, language="en", title=None, body="Text."):
        article = Article.objects.filter(slug=slug).first()
        return services.save_article(
            actor=admin_user,
            article=article,
            category=category,
            slug=slug,
            visibility=visibility,
            language=language,
            title=title or slug.replace("-", " ").title(),
            body=body,
        )

    return make


@pytest.fixture
def people(customer, agent, supervisor, other_agent):
    return {
        "anonymous": Client(),
        "customer": signed_in(customer),
        "agent": signed_in(agent),
        "other_agent": signed_in(other_agent),
        "supervisor": signed_in(supervisor),
    }
