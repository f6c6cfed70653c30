"""Knowledge-base endpoints: who reads which articles, and editors' conditional writes."""

from contextlib import contextmanager

import pytest
from django.test import Client

from relaydesk.api.models import Scope
from relaydesk.api.tests.conftest import api_as
from relaydesk.kb import services
from relaydesk.kb.models import Article, KbCategory, Translation, Visibility


@contextmanager
def nothing_changes():
    """The knowledge base's rows are as they were."""

    def state():
        return (
            list(Article.objects.order_by("pk").values()),
            list(Translation.objects.order_by("pk").values()),
            list(KbCategory.objects.order_by("pk").values()),
        )

    before = state()
    yield
    assert state() == before


@pytest.fixture
def category(db):
    return KbCategory.objects.create(name="Accounts", slug="accounts", names={"ru": "Аккаунты"})


@pytest.fixture
def articles(admin_user, category):
    hidden = KbCategory.objects.create(name="Runbooks", slug="runbooks")

    def write(slug, visibility, in_category=category, language="en", title=None):
        return services.save_article(
            actor=admin_user,
            article=Article.objects.filter(slug=slug).first(),
            category=in_category,
            slug=slug,
            visibility=visibility,
            language=language,
            title=title or slug.replace("-", " ").title(),
            body=f"How to {slug}.",
        )

    made = {
        "published": write("reset-password", Visibility.PUBLISHED),
        "internal": write("refund-runbook", Visibility.INTERNAL, hidden),
        "draft": write("new-billing", Visibility.DRAFT),
    }
    write("reset-password", Visibility.PUBLISHED, language="ru", title="Сброс пароля")
    return made


def anonymous(path, **extra):
    return Client().get(f"/api/v1{path}", **extra)


def slugs(response):
    assert response.status_code == 200, response.content
    return sorted(a["slug"] for a in response.json()["items"])


def test_without_a_token_and_as_a_customer_only_published_articles(customer, articles):
    assert slugs(anonymous("/kb/articles")) == ["reset-password"]
    assert slugs(api_as(customer).get("/kb/articles")) == ["reset-password"]
    for kind in ("internal", "draft"):
        number = articles[kind].pk
        assert anonymous(f"/kb/articles/{number}").status_code == 404
        assert api_as(customer).get(f"/kb/articles/{number}").status_code == 404
    assert [c["slug"] for c in anonymous("/kb/categories").json()] == ["accounts"]


def test_agents_also_read_internal_and_editors_drafts(agent, supervisor, articles):
    assert slugs(api_as(agent).get("/kb/articles")) == ["refund-runbook", "reset-password"]
    assert slugs(api_as(supervisor).get("/kb/articles")) == [
        "new-billing",
        "refund-runbook",
        "reset-password",
    ]
    assert api_as(agent).get(f"/kb/articles/{articles['draft'].pk}").status_code == 404
    assert len(api_as(agent).get("/kb/categories").json()) == 2


def test_a_bad_token_is_refused_not_read_as_anonymous(articles):
    response = anonymous("/kb/articles", HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401


def test_article_in_the_asked_language_with_fallback(articles):
    number = articles["published"].pk
    ru = anonymous(f"/kb/articles/{number}?language=ru").json()
    assert (ru["title"], ru["language"], ru["category"]["name"]) == (
        "Сброс пароля",
        "ru",
        "Аккаунты",
    )
    assert sorted(ru["languages"]) == ["en", "ru"]
    pl = anonymous(f"/kb/articles/{number}?language=pl").json()
    assert (pl["title"], pl["language"]) == ("Reset Password", "en")
    assert "<p>How to reset-password.</p>" in pl["body_html"]
    assert anonymous(f"/kb/articles/{number}?language=xx").status_code == 422


def test_search_and_category_filter(agent, articles, category):
    assert slugs(anonymous("/kb/articles?q=password")) == ["reset-password"]
    assert slugs(anonymous("/kb/articles?q=runbook")) == []  # internal: not for everyone
    assert slugs(api_as(agent).get("/kb/articles?q=runbook")) == ["refund-runbook"]
    assert slugs(api_as(agent).get(f"/kb/articles?category={category.pk}")) == ["reset-password"]


def test_list_pages_with_a_cursor(supervisor, articles):
    api = api_as(supervisor)
    first = api.get("/kb/articles?limit=2").json()
    assert len(first["items"]) == 2
    second = api.get(f"/kb/articles?limit=2&cursor={first['next_cursor']}").json()
    assert len(second["items"]) == 1
    assert second["next_cursor"] is None


def test_editor_creates_an_article(supervisor, category):
    response = api_as(supervisor).post(
        "/kb/articles",
        {"category": "accounts", "title": "Two-factor sign-in", "body": "Use **an app**."},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["slug"], data["visibility"]) == ("two-factor-sign-in", "draft")
    assert "<strong>an app</strong>" in data["body_html"]
    assert response["ETag"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"category": "nope", "title": "T", "body": "B"}, "category"),
        ({"category": "accounts", "title": " ", "body": "B"}, "title"),
        ({"category": "accounts", "title": "T", "body": "x" * 100_001}, "body"),
        ({"category": "accounts", "title": "T", "body": "B", "visibility": "secret"}, "visibility"),
        ({"category": "accounts", "title": "T" * 201, "body": "B"}, "title"),
        ({"category": "accounts", "body": "B"}, "title"),
    ],
)
def test_bad_articles_are_field_errors_and_change_nothing(supervisor, category, payload, field):
    with nothing_changes():
        response = api_as(supervisor).post("/kb/articles", payload)
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not Article.objects.exists()


def test_agents_customers_and_read_tokens_cannot_write(agent, customer, supervisor, articles):
    new = {"category": "accounts", "title": "T", "body": "B"}
    number = articles["published"].pk
    for api in (api_as(agent), api_as(customer), api_as(supervisor, scope=Scope.READ)):
        with nothing_changes():
            assert api.post("/kb/articles", new).status_code == 403
            assert (
                api.patch(f"/kb/articles/{number}", {"title": "X"}, HTTP_IF_MATCH="*").status_code
                == 403
            )
    with nothing_changes():
        response = Client().post("/api/v1/kb/articles", new, content_type="application/json")
    assert response.status_code == 401
    draft = articles["draft"].pk
    assert api_as(customer).patch(f"/kb/articles/{draft}", {"title": "X"}).status_code == 404


def test_update_needs_the_current_etag(supervisor, articles):
    api = api_as(supervisor)
    number = articles["published"].pk
    with nothing_changes():
        assert api.patch(f"/kb/articles/{number}", {"visibility": "draft"}).status_code == 428
    etag = api.get(f"/kb/articles/{number}")["ETag"]
    changed = api.patch(
        f"/kb/articles/{number}", {"title": "Reset your password"}, HTTP_IF_MATCH=etag
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["title"] == "Reset your password"
    assert changed["ETag"] != etag
    with nothing_changes():
        stale = api.patch(f"/kb/articles/{number}", {"visibility": "draft"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert Article.objects.get(pk=number).visibility == Visibility.PUBLISHED


def test_update_adds_a_language_and_keeps_the_others(supervisor, articles):
    api = api_as(supervisor)
    number = articles["published"].pk
    added = api.patch(
        f"/kb/articles/{number}",
        {"language": "pl", "title": "Reset hasła", "body": "Jak to zrobić."},
        HTTP_IF_MATCH="*",
    )
    assert added.status_code == 200, added.content
    assert sorted(added.json()["languages"]) == ["en", "pl", "ru"]
    assert Translation.objects.get(article_id=number, language="en").title == "Reset Password"
    missing = api.patch(
        f"/kb/articles/{number}", {"language": "fa", "body": "Only a body."}, HTTP_IF_MATCH="*"
    )
    assert missing.status_code == 422
    assert not Translation.objects.filter(article_id=number, language="fa").exists()
