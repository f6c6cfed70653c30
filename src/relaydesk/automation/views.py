"""Assignment screens in the desk: a lead's department settings and an agent's availability."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relaydesk.accounts.models import Access, Department, Membership
from relaydesk.automation import assignment, services
from relaydesk.automation.forms import AgentForm, AvailabilityForm, RoutingForm
from relaydesk.automation.models import AgentState, Availability, QueueEntry
from relaydesk.desk.forms import apply_errors
from relaydesk.desk.views.common import agent_required, desk_user, forbidden

QUEUE_SHOWN = 20


@agent_required
def assignment_index(request: HttpRequest) -> HttpResponse:
    departments = services.configurable_departments(desk_user(request))
    if not departments:
        return forbidden(request, PermissionDenied(_("Only department leads configure this.")))
    if len(departments) == 1:
        return redirect("automation:department", department_id=departments[0].pk)
    return render(request, "automation/assignment_index.html", {"departments": departments})


def _department(request: HttpRequest, department_id: int) -> Department:
    department = Department.objects.filter(pk=department_id, is_active=True).first()
    if department is None:
        raise Http404(_("No such department."))
    if not services.can_configure(desk_user(request), department):
        raise PermissionDenied(_("You may not configure this department."))
    return department


@agent_required
def department(request: HttpRequest, department_id: int) -> HttpResponse:
    try:
        dept = _department(request, department_id)
    except PermissionDenied as error:
        return forbidden(request, error)
    routing = assignment.routing_of(dept)
    form = RoutingForm(
        request.POST or None,
        initial={
            "mode": routing.mode,
            "sticky": routing.sticky,
            "match_language": routing.match_language,
        },
    )
    if request.method == "POST":
        if form.is_valid():
            services.configure_department(dept, actor=desk_user(request), **form.cleaned_data)
            messages.success(request, _("Assignment settings saved."))
            return redirect("automation:department", department_id=dept.pk)
        return _page(request, dept, form, status=422)
    return _page(request, dept, form)


@agent_required
@require_POST
def agent(request: HttpRequest, department_id: int, user_id: int) -> HttpResponse:
    try:
        dept = _department(request, department_id)
    except PermissionDenied as error:
        return forbidden(request, error)
    membership = (
        Membership.objects.filter(department=dept, user_id=user_id, access=Access.FULL)
        .select_related("user", "department")
        .first()
    )
    if membership is None:
        raise Http404(_("No such agent in this department."))
    form = AgentForm(request.POST, prefix=f"agent{user_id}")
    if form.is_valid():
        try:
            services.set_agent(
                membership,
                actor=desk_user(request),
                capacity=form.cleaned_data["capacity"],
                skills=form.skill_names(),
                languages=form.cleaned_data["languages"],
            )
        except ValidationError as error:
            apply_errors(form, error)
    if form.errors:
        return _page(request, dept, RoutingForm(), bad_agent=(user_id, form), status=422)
    messages.success(request, _("%(agent)s saved.") % {"agent": membership.user.display_name})
    return redirect("automation:department", department_id=dept.pk)


def _page(
    request: HttpRequest,
    dept: Department,
    form: RoutingForm,
    *,
    bad_agent: tuple[int, AgentForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    routing = assignment.routing_of(dept)
    members = list(
        Membership.objects.filter(department=dept, access=Access.FULL, user__is_active=True)
        .select_related("user")
        .annotate(
            load=Count(
                "user__assigned_tickets",
                filter=Q(
                    user__assigned_tickets__department=dept,
                    user__assigned_tickets__status__in=assignment.OPEN_STATUSES,
                ),
            )
        )
        .order_by("user__name", "user__email")
    )
    states = {
        s.user_id: s
        for s in AgentState.objects.filter(user__in=[m.user for m in members]).prefetch_related(
            "skills"
        )
    }
    rows = []
    for member in members:
        state = states.get(member.user_id)
        agent_form = AgentForm(
            initial={
                "capacity": member.capacity,
                "skills": ", ".join(s.name for s in state.skills.all()) if state else "",
                "languages": state.languages if state else [],
            },
            prefix=f"agent{member.user_id}",
        )
        if bad_agent is not None and bad_agent[0] == member.user_id:
            agent_form = bad_agent[1]
        availability = state.availability if state else Availability.ONLINE
        rows.append(
            {
                "member": member,
                "availability": Availability(availability),
                "form": agent_form,
            }
        )
    queue = QueueEntry.objects.filter(department=dept).select_related("ticket")
    context = {
        "department": dept,
        "routing": routing,
        "form": form,
        "rows": rows,
        "queue": list(queue[:QUEUE_SHOWN]),
        "queue_count": queue.count(),
    }
    return render(request, "automation/department.html", context, status=status)


@agent_required
@require_POST
def availability(request: HttpRequest) -> HttpResponse:
    form = AvailabilityForm(request.POST)
    if form.is_valid():
        services.set_availability(
            actor=desk_user(request), availability=form.cleaned_data["availability"]
        )
    else:
        messages.error(request, _("Unknown availability."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "/desk/"
    return HttpResponseRedirect(back)
