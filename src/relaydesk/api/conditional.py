"""ETags and If-Match: an update names the version it was based on, so two clients cannot
overwrite each other silently (AP1)."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any, Protocol

from django.utils.translation import gettext as _
from ninja import Header

from relaydesk.api.problems import ApiProblem, Problem


class Versioned(Protocol):
    pk: Any
    updated_at: datetime.datetime


def etag(row: Versioned) -> str:
    """A strong ETag: a hash of the row's id and the time it last changed."""
    stamp = f"{row.pk}:{row.updated_at.isoformat()}"
    return '"' + hashlib.sha256(stamp.encode()).hexdigest()[:32] + '"'


def require_match(if_match: str | None, row: Versioned) -> None:
    """Call with the row locked. No If-Match is 428; another version is 412; `*` matches any."""
    if if_match is None or not if_match.strip():
        raise ApiProblem(
            428,
            _("Send the ETag you read as If-Match (or * to overwrite whatever is there)."),
            errors=[("If-Match", _("This header is required."))],
        )
    tags = [t.strip().removeprefix("W/") for t in if_match.split(",")]
    if "*" not in tags and etag(row) not in tags:
        raise ApiProblem(412, _("It changed since you read it. Read it again, then retry."))


IF_MATCH = Header(
    None,
    alias="If-Match",
    max_length=1000,
    description="Required: the ETag you read (or `*`). Without it the answer is 428.",
)
# The answers a conditional update adds, for the OpenAPI document.
PRECONDITIONS: dict[int, Any] = {412: Problem, 428: Problem}
