"""People: sign-in by email, the user model, the admin's user form and the preferences
middleware."""

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone, translation

from relaydesk.accounts.admin import UserCreateForm
from relaydesk.accounts.middleware import UserPreferencesMiddleware
from relaydesk.accounts.models import Role, User
from relaydesk.conftest import PASSWORD, make_user


@pytest.mark.parametrize("typed", ["alice@example.com", "ALICE@Example.COM", " alice@example.com "])
def test_sign_in_by_email_whatever_its_case(agent, typed):
    assert authenticate(None, username=typed, password=PASSWORD) == agent


@pytest.mark.parametrize(
    ("email", "password"),
    [("alice@example.com", "wrong"), ("nobody@example.com", PASSWORD), ("", PASSWORD)],
)
def test_sign_in_refused(agent, email, password):
    assert authenticate(None, username=email, password=password) is None


def test_inactive_user_cannot_sign_in(agent):
    agent.is_active = False
    agent.save()
    assert authenticate(None, username=agent.email, password=PASSWORD) is None


def test_create_user_lowercases_email_and_refuses_duplicates(db):
    user = make_user("Mixed@Example.COM", Role.CUSTOMER)
    assert user.email == "mixed@example.com"
    with pytest.raises(ValidationError):
        make_user("MIXED@example.com", Role.CUSTOMER)


def test_unknown_time_zone_is_refused(db):
    with pytest.raises(ValidationError):
        make_user("tz@example.com", Role.CUSTOMER, timezone="Mars/Olympus")


def test_roles(admin_user, supervisor, agent, customer):
    assert admin_user.is_staff
    assert not supervisor.is_staff
    assert not agent.is_staff
    assert all(u.is_agent for u in (admin_user, supervisor, agent))
    assert not customer.is_agent
    assert customer.is_customer
    agent.is_active = False
    assert not agent.is_agent
    admin_user.is_active = False
    assert not admin_user.is_staff


def test_names(customer):
    assert customer.display_name == "Carol Customer"
    assert customer.first_name == "Carol"
    assert User(email="x.y@example.com").first_name == "x.y"


def test_admin_user_form_stores_email_in_lower_case(db):
    form = UserCreateForm(
        data={
            "email": "New.Agent@Example.COM",
            "name": "New Agent",
            "role": Role.AGENT,
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
    )
    assert form.is_valid(), form.errors
    user = form.save()
    assert user.email == "new.agent@example.com"
    assert authenticate(None, username="new.agent@example.com", password=PASSWORD) == user


def test_admin_user_form_refuses_an_email_differing_only_in_case(agent):
    form = UserCreateForm(
        data={
            "email": "ALICE@example.com",
            "role": Role.AGENT,
            "usable_password": "false",
        }
    )
    assert not form.is_valid()
    assert "email" in form.errors


def test_middleware_activates_the_users_language_and_time_zone(customer):
    customer.language = "fa"
    customer.timezone = "Asia/Tehran"
    seen = {}

    def view(request):
        seen["language"] = translation.get_language()
        seen["timezone"] = timezone.get_current_timezone_name()
        seen["request_language"] = request.LANGUAGE_CODE
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = customer
    UserPreferencesMiddleware(view)(request)
    assert seen == {"language": "fa", "timezone": "Asia/Tehran", "request_language": "fa"}
    assert timezone.get_current_timezone_name() == "UTC"


def test_middleware_leaves_anonymous_visitors_alone():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with translation.override("pl"):
        UserPreferencesMiddleware(lambda r: HttpResponse(translation.get_language()))(request)
        assert translation.get_language() == "pl"
