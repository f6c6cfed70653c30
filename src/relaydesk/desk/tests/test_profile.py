import datetime
import zoneinfo

from django.template import Context, Template
from django.utils import timezone, translation

from relaydesk.desk.templatetags.desk import time_element, when


def test_profile_saves_language_and_time_zone(as_agent, agent):
    response = as_agent.post(
        "/desk/profile/", {"name": "Alice A.", "language": "fa", "timezone": "Asia/Tehran"}
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.name, agent.language, agent.timezone) == ("Alice A.", "fa", "Asia/Tehran")
    page = as_agent.get("/desk/").content.decode()
    assert 'dir="rtl"' in page
    assert 'lang="fa"' in page


def test_unknown_time_zone_is_refused(as_agent, agent):
    response = as_agent.post(
        "/desk/profile/", {"name": "x", "language": "en", "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 422
    agent.refresh_from_db()
    assert agent.timezone == "UTC"


def test_language_switcher_keeps_the_choice_on_the_user(as_agent, agent):
    response = as_agent.post("/desk/profile/language/", {"language": "ru", "next": "/desk/"})
    assert response["Location"] == "/desk/"
    agent.refresh_from_db()
    assert agent.language == "ru"


def test_language_switcher_refuses_foreign_redirects(as_agent):
    response = as_agent.post(
        "/desk/profile/language/", {"language": "pl", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/desk/"


def test_persian_viewers_see_solar_hijri_dates_with_persian_digits():
    moment = datetime.datetime(2024, 3, 20, 12, 30, tzinfo=datetime.UTC)
    with translation.override("fa"):
        assert when(moment) == "۱۴۰۳/۰۱/۰۱ ۱۲:۳۰"
        assert when(moment.date(), "date") == "۱۴۰۳/۰۱/۰۱"
    with translation.override("en"):
        assert "2024" in when(moment)


def test_time_elements_carry_the_instant_in_the_viewers_zone_and_calendar():
    moment = datetime.datetime(2024, 3, 20, 12, 30, tzinfo=datetime.UTC)
    django_iso = Template("{{ moment|date:'c' }}")
    with translation.override("fa"), timezone.override(zoneinfo.ZoneInfo("Asia/Tehran")):
        iso = django_iso.render(Context({"moment": moment}))
        assert iso == "2024-03-20T16:00:00+03:30"
        assert time_element(moment) == f'<time datetime="{iso}">۱۴۰۳/۰۱/۰۱ ۱۶:۰۰</time>'
        assert time_element(moment, "date") == f'<time datetime="{iso}">۱۴۰۳/۰۱/۰۱</time>'
