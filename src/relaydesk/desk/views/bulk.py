"""Bulk actions on the ticket list (TK14): the ticked tickets at once, or every ticket the
list's filters match as a job with its own progress page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from relaydesk.desk import bulkjobs
from relaydesk.desk.forms import BulkForm
from relaydesk.desk.models import BulkJob
from relaydesk.desk.views.common import agent_required, desk_user, is_htmx
from relaydesk.tickets.bulk import bulk_update, change_from


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/desk/"
    return redirect(target)


@agent_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return _back(request)
    data = form.cleaned_data
    actor = desk_user(request)
    try:
        if data["matching"]:
            job = bulkjobs.start(actor=actor, query=QueryDict(data["query"]), spec=form.spec())
            return redirect("desk:bulk_job", job_id=job.pk)
        change = change_from(form.spec())
        result = bulk_update(
            actor=actor,
            numbers=data["ticket"],
            changes=change.changes,
            add_tags=change.add_tags,
            remove_tags=change.remove_tags,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request)
    changed = len(result.changed)
    messages.success(
        request,
        ngettext("%(count)d ticket changed.", "%(count)d tickets changed.", changed)
        % {"count": changed},
    )
    if result.refused:
        refused = ", ".join(f"#{n}: {why}" for n, why in sorted(result.refused.items()))
        messages.warning(request, _("Not changed — %(list)s") % {"list": refused})
    return _back(request)


@agent_required
def bulk_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """A bulk change's progress; only the person who asked for it sees it."""
    job = BulkJob.objects.filter(pk=job_id, actor=desk_user(request)).first()
    if job is None:
        raise Http404(_("No such bulk change."))
    template = "desk/bulk_job.html#progress" if is_htmx(request) else "desk/bulk_job.html"
    return render(request, template, {"job": job})
