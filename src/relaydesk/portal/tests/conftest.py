import pytest
from django.test import Client

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _portal_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def _fresh_throttle():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def mails(django_capture_on_commit_callbacks):
    """Run what the request queued after commit (the account mails) and give the outbox."""
    from django.core import mail

    class Runner:
        @property
        def outbox(self) -> list:
            return mail.outbox

        def post(self, client: Client, url: str, data: dict) -> object:
            with django_capture_on_commit_callbacks(execute=True):
                return client.post(url, data)

    return Runner()
