from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from relaydesk.portal.models import Scale


@register(Tags.compatibility)
def check_csat_scale(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.CSAT_SCALE not in Scale.values:
        message = (
            f"RELAYDESK_CSAT_SCALE must be one of {Scale.values}, not {settings.CSAT_SCALE!r}."
        )
        return [Error(message, id="relaydesk.E401")]
    return []
