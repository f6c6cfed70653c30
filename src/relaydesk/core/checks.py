"""System checks that fail fast on a configuration that cannot work (STYLE: settings)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.compatibility, deploy=False)
def check_configuration(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    base = urlsplit(settings.BASE_URL)
    if base.scheme not in {"http", "https"} or not base.hostname:
        errors.append(
            Error(
                f"RELAYDESK_BASE_URL must be an http(s) URL, not {settings.BASE_URL!r}.",
                id="relaydesk.E002",
            )
        )
    if str(settings.MAILERS["default"]["BACKEND"]).startswith("invalid-"):
        errors.append(
            Error(
                "EMAIL_URL has an unknown scheme; use smtp://, smtps://, submission://, "
                "console://, locmem:// or file:///path.",
                id="relaydesk.E003",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.SECRET_KEY.startswith("insecure-"):
        return [Error("Set RELAYDESK_SECRET_KEY to a long random value.", id="relaydesk.E001")]
    return []
