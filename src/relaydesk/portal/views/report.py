"""The satisfaction report page in the desk (PO5)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from relaydesk.desk.views.common import agent_required, desk_user
from relaydesk.portal import satisfaction_report as report
from relaydesk.portal.forms import SatisfactionReportForm


@agent_required
def satisfaction_report(request: HttpRequest) -> HttpResponse:
    form = SatisfactionReportForm(request.GET.dict())
    context: dict[str, object] = {"form": form, "scores": report.SCORES}
    if form.is_valid():
        data = form.cleaned_data
        user, start, end = desk_user(request), data["start"], data["end"]
        context |= {
            "rows": report.rows(user, group=data["group"], start=start, end=end),
            "total": report.total(user, start=start, end=end),
            "comments": report.comments(user, start=start, end=end),
            "group_label": report.GROUPS[data["group"]][0],
        }
    return render(
        request, "portal/satisfaction_report.html", context, status=200 if form.is_valid() else 400
    )
