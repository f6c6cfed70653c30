"""The SLA report page in the desk (SL4)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from relaydesk.desk.views.common import agent_required, desk_user
from relaydesk.sla import report
from relaydesk.sla.forms import ReportForm


@agent_required
def sla_report(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.GET.dict())
    table: list[report.Row] = []
    if form.is_valid():
        table = report.rows(
            desk_user(request),
            group=form.cleaned_data["group"],
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
        )
    context = {
        "form": form,
        "rows": table,
        "total": report.total(table),
        "group_label": report.GROUPS[form.cleaned_data.get("group", "policy")][0]
        if form.is_valid()
        else "",
    }
    return render(request, "sla/report.html", context, status=200 if form.is_valid() else 400)
