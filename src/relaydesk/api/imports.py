"""CSV import over the API (AP3): administrators, multipart `file`, `dry_run` to check only."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, UploadedFile

from relaydesk.api import csvimport
from relaydesk.api.auth import require_write
from relaydesk.api.problems import COMMON, ApiProblem

router = Router(tags=["import"])


class ImportError_(Schema):
    line: int
    field: str
    message: str


class ImportReport(Schema):
    kind: str
    dry_run: bool
    rows: int
    created: int
    would_create: int
    errors: list[ImportError_]


@router.post("/imports/{kind}", response={200: ImportReport, **COMMON})
def import_csv(
    request: HttpRequest,
    kind: Literal["organizations", "customers", "tickets"],
    file: UploadedFile = File(...),  # noqa: B008
    dry_run: bool = Form(False),
) -> dict[str, Any]:
    """Import a CSV file. Every bad row is reported by line; unless every row is good (and
    `dry_run` is off) nothing is kept. The answer is 200 with the report either way."""
    user = require_write(request)
    if (file.size or 0) > csvimport.MAX_BYTES:
        raise ApiProblem(422, "The file is larger than 20 MB.", errors=[("file", "Too large.")])
    report = csvimport.run(kind=kind, data=file.read(), actor=user, dry_run=dry_run)
    return csvimport.as_dict(report)
