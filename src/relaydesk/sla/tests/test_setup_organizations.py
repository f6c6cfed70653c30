"""A policy's organizations are found by a search on the policy page (htmx), never listed all
at once; the search is the setup pages': administrators only."""

from __future__ import annotations

import pytest

from relaydesk.accounts.models import Organization
from relaydesk.conftest import signed_in
from relaydesk.sla.forms_setup import MAX_ORGANIZATIONS
from relaydesk.sla.models import Policy
from relaydesk.sla.tests.test_setup import policy_data

SEARCH = "/desk/sla/policies/organizations/"


@pytest.fixture
def organizations(db) -> dict[str, Organization]:
    names = ["Umbrella", "Umbrella Rockets", "Globex", "<b>Initech</b>"]
    return {name: Organization.objects.create(name=name) for name in names}


def test_the_policy_page_shows_only_the_chosen_organizations(admin_user, policy, organizations):
    page = signed_in(admin_user).get("/desk/sla/policies/new/").content.decode()
    assert 'id="organization-search"' in page
    assert not any(name in page for name in ("Umbrella", "Globex"))
    policy.organizations.set([organizations["Globex"]])
    page = signed_in(admin_user).get(f"/desk/sla/policies/{policy.pk}/").content.decode()
    globex = organizations["Globex"].pk
    assert f'name="organizations" value="{globex}" checked' in page
    assert "Umbrella" not in page


def test_a_search_finds_by_name_after_the_ticked_ones(admin_user, organizations):
    umbrella, rockets = organizations["Umbrella"], organizations["Umbrella Rockets"]
    response = signed_in(admin_user).get(SEARCH, {"q": "umbrella", "organizations": [rockets.pk]})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(f'value="{rockets.pk}" checked') < html.index(f'value="{umbrella.pk}">')
    assert html.count(f'value="{rockets.pk}"') == 1  # ticked: not offered again
    assert "Globex" not in html


def test_names_are_escaped(admin_user, organizations):
    html = signed_in(admin_user).get(SEARCH, {"q": "initech"}).content.decode()
    assert "&lt;b&gt;Initech&lt;/b&gt;" in html
    assert "<b>Initech" not in html


def test_an_empty_search_offers_nothing_new(admin_user, organizations):
    response = signed_in(admin_user).get(SEARCH, {"q": ""})
    assert response.status_code == 200
    assert 'type="checkbox"' not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"q": "a" * 101},
        {"q": "Umbrella", "organizations": ["abc"]},
        {"q": "Umbrella", "organizations": ["999999"]},
        {"q": "Umbrella", "organizations": [str(n) for n in range(1, MAX_ORGANIZATIONS + 2)]},
    ],
    ids=["oversized words", "not a number", "unknown", "too many"],
)
def test_bad_searches_get_a_clear_error(admin_user, organizations, query):
    response = signed_in(admin_user).get(SEARCH, query)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert 'type="checkbox"' not in response.content.decode()


@pytest.mark.parametrize("persona", ["supervisor", "agent", "other_agent", "customer"])
def test_everyone_but_admins_is_refused_the_search(request, persona, organizations):
    response = signed_in(request.getfixturevalue(persona)).get(SEARCH, {"q": "umbrella"})
    assert response.status_code == 403
    assert "Umbrella Rockets" not in response.content.decode()


def test_ticked_organizations_are_saved_with_the_policy(admin_user, organizations):
    chosen = [organizations["Umbrella"].pk, organizations["Globex"].pk]
    data = policy_data(organizations=[str(pk) for pk in chosen], q="glo")
    response = signed_in(admin_user).post("/desk/sla/policies/new/", data)
    assert response.status_code == 302
    policy = Policy.objects.get(name="Gold")
    assert sorted(policy.organizations.values_list("pk", flat=True)) == sorted(chosen)


def test_too_many_organizations_are_refused_and_nothing_is_saved(admin_user, organizations):
    ids = [str(n) for n in range(1, MAX_ORGANIZATIONS + 2)]
    response = signed_in(admin_user).post("/desk/sla/policies/new/", policy_data(organizations=ids))
    assert response.status_code == 422
    assert f"At most {MAX_ORGANIZATIONS} organizations." in response.content.decode()
    assert not Policy.objects.filter(name="Gold").exists()
