"""`relaydesk serve --workers`: several processes only where they share state."""

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.parametrize("workers", ["0", "2"])
def test_serve_refuses_workers_it_cannot_run_on_the_embedded_default(settings, workers):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3" and workers == "2":
        settings.REDIS_URL = ""  # on PostgreSQL, it is Redis that is missing
    with pytest.raises(CommandError):
        call_command("serve", "--workers", workers)
