"""The REST API at /api/v1/ (AP1): one NinjaAPI, problem+json errors, token or session auth."""

from __future__ import annotations

from ninja import NinjaAPI

from relaydesk.api import problems
from relaydesk.api.auth import AUTH
from relaydesk.api.catalog import router as catalog_router
from relaydesk.api.people import router as people_router
from relaydesk.api.tickets import router as tickets_router

api = NinjaAPI(
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
api.add_router("", people_router)
api.add_router("", catalog_router)
