from typing import Any

from django.conf import settings
from django.http import HttpRequest


def relaydesk(request: HttpRequest) -> dict[str, Any]:
    return {"SITE_NAME": settings.SITE_NAME, "DEMO_MODE": settings.DEMO}
