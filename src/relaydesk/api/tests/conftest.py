from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from relaydesk.api import tokens
from relaydesk.api.models import Scope


class ApiClient:
    """A test client that sends a bearer token and JSON."""

    def __init__(self, token: str) -> None:
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def get(self, path: str, **extra: Any):
        return self.client.get(f"/api/v1{path}", **extra)

    def post(self, path: str, data: Any, **extra: Any):
        return self.client.post(
            f"/api/v1{path}", json.dumps(data), content_type="application/json", **extra
        )

    def patch(self, path: str, data: Any, **extra: Any):
        return self.client.patch(
            f"/api/v1{path}", json.dumps(data), content_type="application/json", **extra
        )

    def delete(self, path: str, **extra: Any):
        return self.client.delete(f"/api/v1{path}", **extra)

    def multipart(self, path: str, data: dict[str, Any]):
        return self.client.post(f"/api/v1{path}", data)


def api_as(user, scope: str = Scope.WRITE) -> ApiClient:
    return ApiClient(tokens.issue(user=user, name="tests", scope=scope))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_rate_windows():
    from django.core.cache import cache

    cache.clear()
