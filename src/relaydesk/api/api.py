"""The REST API at /api/v1/ (AP1): one NinjaAPI, problem+json errors, token or session auth."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from relaydesk.api import problems
from relaydesk.api.auth import AUTH
from relaydesk.api.canned import router as canned_router
from relaydesk.api.catalog import router as catalog_router
from relaydesk.api.imports import router as imports_router
from relaydesk.api.kb import router as kb_router
from relaydesk.api.people import router as people_router
from relaydesk.api.search import router as search_router
from relaydesk.api.ticket_actions import router as ticket_actions_router
from relaydesk.api.tickets import router as tickets_router
from relaydesk.webhooks.api import router as webhooks_router


class RelaydeskAPI(NinjaAPI):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[tuple[Any, ...], OpenAPISchema] = {}

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Built once per process (seconds of pydantic work on a loaded machine, and the same
        every time): failures are documented with the media type they are sent with."""
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        cached = self._schemas.get(key)
        if cached is None:
            cached = self._schemas[key] = self._build_schema(path_prefix, path_params)
        return cached

    def _build_schema(
        self, path_prefix: str | None, path_params: dict[str, Any] | None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[problems.CONTENT_TYPE] = content.pop("application/json")
        return schema


api = RelaydeskAPI(
    title="Relaydesk API",
    version="1",
    description="Everything the desk can do, a program can do. See docs/api.md.",
    auth=AUTH,
    urls_namespace="api-1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
problems.install(api)
api.add_router("", tickets_router)
api.add_router("", ticket_actions_router)
api.add_router("", people_router)
api.add_router("", catalog_router)
api.add_router("", imports_router)
api.add_router("", search_router)
api.add_router("", kb_router)
api.add_router("", canned_router)
api.add_router("", webhooks_router)
