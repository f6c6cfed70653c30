"""Users, organizations and departments (AP1). Agents see people; customers see themselves."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from relaydesk.accounts.models import STAFF_ROLES, Department, Organization, Role, User
from relaydesk.accounts.services import create_customer
from relaydesk.api import serialize
from relaydesk.api.auth import caller, require_agent, require_write
from relaydesk.api.problems import COMMON, ApiProblem, Problem, field_errors
from relaydesk.api.schemas import Ref

router = Router(tags=["people"])
MAX_PAGE = 100


class UserOut(Schema):
    id: int
    email: str
    name: str
    role: Literal["admin", "supervisor", "agent", "customer"]
    organization: Ref | None
    phone: str
    language: str
    timezone: str
    is_active: bool


class UserPage(Schema):
    items: list[UserOut]
    next_cursor: str | None


class UserQuery(Schema):
    role: Literal["admin", "supervisor", "agent", "customer", "staff"] | None = None
    q: str | None = Field(default=None, max_length=200, description="Part of a name or email.")
    organization: int | None = Field(default=None, ge=1, le=2**62)
    cursor: int = Field(default=0, ge=0, le=2**62)
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)


class CustomerIn(Schema):
    email: str = Field(max_length=254)
    name: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    organization: int | str | None = Field(default=None, description="Id or name.")


class OrganizationOut(Schema):
    id: int
    name: str
    domains: list[str]
    members_see_all_tickets: bool


class OrganizationIn(Schema):
    name: str = Field(max_length=200)
    domains: list[str] = Field(default=[], max_length=20)
    members_see_all_tickets: bool = False


class DepartmentOut(Schema):
    id: int
    name: str
    email: str
    is_active: bool


def user_out(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "organization": serialize.ref(user.organization),
        "phone": user.phone,
        "language": user.language,
        "timezone": user.timezone,
        "is_active": user.is_active,
    }


def organization_out(org: Organization) -> dict[str, Any]:
    domains = [d.strip() for d in org.domains.split(",") if d.strip()]
    return {
        "id": org.pk,
        "name": org.name,
        "domains": domains,
        "members_see_all_tickets": org.members_see_all_tickets,
    }


def organization_by(value: int | str | None) -> Organization | None:
    if value is None:
        return None
    text = str(value).strip()
    rows = Organization.objects.all()
    found = (
        rows.filter(pk=int(text)) if text.isdigit() else rows.filter(name__iexact=text)
    ).first()
    if found is None:
        raise ValidationError({"organization": _("No such organization: %(v)s") % {"v": text[:60]}})
    return found


@router.get("/users/me", response={200: UserOut, **COMMON})
def me(request: HttpRequest) -> dict[str, Any]:
    return user_out(caller(request))


@router.get("/users", response={200: UserPage, **COMMON})
def list_users(request: HttpRequest, query: Query[UserQuery]) -> dict[str, Any]:
    """Agents and customers, by id. Agents only."""
    require_agent(request)
    users = User.objects.select_related("organization").filter(pk__gt=query.cursor)
    if query.role == "staff":
        users = users.filter(role__in=STAFF_ROLES)
    elif query.role:
        users = users.filter(role=query.role)
    if query.organization:
        users = users.filter(organization_id=query.organization)
    if query.q:
        text = query.q.strip()
        users = users.filter(Q(email__icontains=text) | Q(name__icontains=text))
    rows = list(users.order_by("pk")[: query.limit + 1])
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return {
        "items": [user_out(u) for u in rows],
        "next_cursor": str(rows[-1].pk) if more else None,
    }


@router.get("/users/{user_id}", response={200: UserOut, **COMMON})
def get_user(request: HttpRequest, user_id: int) -> dict[str, Any]:
    me = caller(request)
    if not me.is_agent and user_id != me.pk:
        raise PermissionDenied(_("Customers see only themselves."))
    return user_out(User.objects.select_related("organization").get(pk=user_id))


@router.post("/users", response={201: UserOut, 409: Problem, **COMMON})
def add_customer(request: HttpRequest, payload: CustomerIn) -> Status[dict[str, Any]]:
    """Add a customer. Agents only; an address in use is 409."""
    require_agent(request)
    require_write(request)
    try:
        user = create_customer(
            email=payload.email,
            name=payload.name,
            phone=payload.phone,
            organization=organization_by(payload.organization),
        )
    except ValidationError as error:
        if any(e.code == "taken" for e in getattr(error, "error_dict", {}).get("email", [])):
            raise ApiProblem(
                409, _("Someone already uses this address."), errors=field_errors(error)
            ) from None
        raise
    return Status(201, user_out(user))


@router.get("/organizations", response={200: list[OrganizationOut], **COMMON})
def list_organizations(
    request: HttpRequest, q: str | None = Query(None, max_length=200)
) -> list[dict[str, Any]]:
    require_agent(request)
    orgs = Organization.objects.all()
    if q:
        orgs = orgs.filter(name__icontains=q.strip())
    return [organization_out(o) for o in orgs[:500]]


@router.get("/organizations/{org_id}", response={200: OrganizationOut, **COMMON})
def get_organization(request: HttpRequest, org_id: int) -> dict[str, Any]:
    me = caller(request)
    if not me.is_agent and me.organization_id != org_id:
        raise PermissionDenied(_("Customers see only their own organization."))
    return organization_out(Organization.objects.get(pk=org_id))


@router.post("/organizations", response={201: OrganizationOut, 409: Problem, **COMMON})
def add_organization(request: HttpRequest, payload: OrganizationIn) -> Status[dict[str, Any]]:
    """Administrators and supervisors add organizations."""
    user = require_write(request)
    if user.role not in (Role.ADMIN, Role.SUPERVISOR):
        raise PermissionDenied(_("Only administrators and supervisors add organizations."))
    org = Organization(
        name=" ".join(payload.name.split()),
        domains=",".join(d.strip().lower() for d in payload.domains if d.strip()),
        members_see_all_tickets=payload.members_see_all_tickets,
    )
    if Organization.objects.filter(name__iexact=org.name).exists():
        raise ApiProblem(
            409, _("An organization with this name exists."), errors=[("name", _("Taken."))]
        )
    org.full_clean()
    org.save()
    return Status(201, organization_out(org))


@router.get("/departments", response={200: list[DepartmentOut], **COMMON})
def list_departments(request: HttpRequest) -> list[Department]:
    require_agent(request)
    return list(Department.objects.all())
