"""Runtime: health endpoints, configuration checks and the mail URL."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.checks import run_checks
from django.test import override_settings

from relaydesk.core import errors
from relaydesk.core.checks import check_configuration, check_secret_key
from relaydesk.settings import mailer_from_url

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def error_ids(messages):
    return sorted(m.id for m in messages)


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_endpoints_refuse_changes(client):
    assert client.post("/healthz").status_code == 405


def test_default_configuration_passes_the_checks():
    assert check_configuration() == []


@pytest.mark.parametrize("url", ["ftp://example.com", "example.com", "http://", "javascript:x"])
def test_bad_base_url_is_an_error(url):
    with override_settings(BASE_URL=url):
        assert error_ids(check_configuration()) == ["relaydesk.E002"]


def test_bad_email_url_is_an_error():
    with override_settings(MAILERS={"default": mailer_from_url("smtpx://mail.example.com")}):
        assert error_ids(check_configuration()) == ["relaydesk.E003"]
        assert "relaydesk.E003" in error_ids(run_checks())


def test_insecure_secret_key_is_a_deploy_error():
    with override_settings(SECRET_KEY="insecure-development-key"):
        assert error_ids(check_secret_key()) == ["relaydesk.E001"]
    with override_settings(SECRET_KEY="a-long-random-value-" * 3):
        assert check_secret_key() == []


@pytest.mark.parametrize(
    ("url", "options"),
    [
        (
            "smtp://mail.example.com",
            {
                "host": "mail.example.com",
                "port": 25,
                "username": "",
                "password": "",
                "use_ssl": False,
                "use_tls": False,
                "timeout": 20,
            },
        ),
        (
            "smtp://u%40x:p%2Fw@mail.example.com:2525?tls",
            {
                "host": "mail.example.com",
                "port": 2525,
                "username": "u@x",
                "password": "p/w",
                "use_ssl": False,
                "use_tls": True,
                "timeout": 20,
            },
        ),
        (
            "submission://user:pw@mail.example.com",
            {
                "host": "mail.example.com",
                "port": 587,
                "username": "user",
                "password": "pw",
                "use_ssl": False,
                "use_tls": True,
                "timeout": 20,
            },
        ),
        (
            "smtps://mail.example.com?tls",
            {
                "host": "mail.example.com",
                "port": 465,
                "username": "",
                "password": "",
                "use_ssl": True,
                "use_tls": False,
                "timeout": 20,
            },
        ),
    ],
)
def test_smtp_mail_urls(url, options):
    assert mailer_from_url(url) == {"BACKEND": SMTP, "OPTIONS": options}


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("", "django.core.mail.backends.console.EmailBackend"),
        ("console://", "django.core.mail.backends.console.EmailBackend"),
        ("locmem://", "django.core.mail.backends.locmem.EmailBackend"),
        ("file:///var/mail", "django.core.mail.backends.filebased.EmailBackend"),
        ("pop3://x", "invalid-email-url-scheme.pop3"),
    ],
)
def test_other_mail_urls(url, backend):
    assert mailer_from_url(url)["BACKEND"] == backend


def test_file_mail_url_keeps_the_folder():
    assert mailer_from_url("file:///var/mail")["OPTIONS"] == {"file_path": "/var/mail"}


@pytest.mark.django_db
def test_unknown_page_is_a_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "errors/404.html" in [t.name for t in response.templates]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("handler", "status"),
    [(errors.bad_request, 400), (errors.permission_denied, 403), (errors.page_not_found, 404)],
)
def test_error_pages_render_with_their_status(rf, handler, status):
    request = rf.get("/")
    request.user = AnonymousUser()
    assert handler(request, Exception("x")).status_code == status


@pytest.mark.django_db
def test_server_error_page_renders(rf):
    request = rf.get("/")
    request.user = AnonymousUser()
    response = errors.server_error(request)
    assert response.status_code == 500
    assert b"<html" in response.content
