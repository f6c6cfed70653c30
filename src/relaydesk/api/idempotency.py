"""`Idempotency-Key` on creates: a retried request gets the first answer, not a second row."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relaydesk.accounts.models import User
from relaydesk.api.models import IdempotentRequest
from relaydesk.api.problems import ApiProblem

MAX_KEY = 200
KEEP = datetime.timedelta(hours=24)  # a key may be used again for another request after this
Answer = tuple[int, dict[str, Any]]


def run_once(
    *, user: User, key: str | None, scope: str, payload: Any, produce: Callable[[], Answer]
) -> tuple[Answer, bool]:
    """Run `produce` once per (user, key) for 24 hours; a repeat with the same request replays
    the stored answer (second value True). The record is written in the same transaction as
    the create, so a failed create leaves the key free and a concurrent repeat waits for the
    first."""
    if key is None:
        return produce(), False
    key = key.strip()
    if not key or len(key) > MAX_KEY or not key.isprintable():
        raise ApiProblem(
            400,
            _("The Idempotency-Key is empty, too long or has control characters."),
            errors=[("Idempotency-Key", _("At most %(max)d characters.") % {"max": MAX_KEY})],
        )
    canonical = json.dumps([scope, payload], sort_keys=True, cls=DjangoJSONEncoder, default=str)
    fingerprint = hashlib.sha256(canonical.encode()).hexdigest()
    with transaction.atomic():
        IdempotentRequest.objects.filter(
            user=user, key=key, created_at__lt=timezone.now() - KEEP
        ).delete()
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    user=user, key=key, fingerprint=fingerprint
                )
        except IntegrityError:
            record = IdempotentRequest.objects.get(user=user, key=key)
            if record.fingerprint != fingerprint:
                raise ApiProblem(
                    422, _("This Idempotency-Key was used for a different request.")
                ) from None
            return (record.status, record.body), True
        status, body = produce()
        record.status = status
        record.body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
        record.save(update_fields=["status", "body"])
    return (status, body), False
