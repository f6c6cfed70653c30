import pytest

from relaydesk.accounts.models import Organization, User
from relaydesk.api.tests.conftest import api_as
from relaydesk.tickets.models import CustomField, FieldKind


def test_agent_lists_and_finds_people(agent, customer, other_customer):
    api = api_as(agent)
    customers = api.get("/users?role=customer").json()["items"]
    assert {u["email"] for u in customers} == {customer.email, other_customer.email}
    found = api.get("/users?q=carol").json()["items"]
    assert [u["email"] for u in found] == [customer.email]
    assert api.get(f"/users/{customer.pk}").json()["organization"]["name"] == "Acme"


def test_users_page_by_cursor(agent, customer, colleague, other_customer):
    api = api_as(agent)
    first = api.get("/users?limit=2").json()
    rest = api.get(f"/users?limit=10&cursor={first['next_cursor']}").json()
    assert len(first["items"]) + len(rest["items"]) == User.objects.count()


def test_customer_sees_only_themselves(customer, colleague):
    api = api_as(customer)
    assert api.get("/users/me").json()["email"] == customer.email
    assert api.get("/users").status_code == 403
    assert api.get(f"/users/{colleague.pk}").status_code == 403
    assert api.get("/departments").status_code == 403
    assert api.get(f"/organizations/{customer.organization_id}").status_code == 200
    other = Organization.objects.create(name="Other")
    assert api.get(f"/organizations/{other.pk}").status_code == 403


def test_agent_adds_a_customer_and_a_duplicate_is_409(agent, acme):
    api = api_as(agent)
    created = api.post("/users", {"email": "New@Acme.test", "name": "Nia", "organization": "acme"})
    assert created.status_code == 201, created.content
    assert created.json()["organization"]["id"] == acme.pk
    again = api.post("/users", {"email": "new@acme.test"})
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "email"
    assert api.post("/users", {"email": "not an address"}).status_code == 422
    assert User.objects.filter(email="new@acme.test").count() == 1


def test_customer_cannot_add_people(customer):
    assert api_as(customer).post("/users", {"email": "x@y.test"}).status_code == 403
    assert not User.objects.filter(email="x@y.test").exists()


@pytest.mark.parametrize("persona", ["customer", "agent"])
def test_only_admins_and_supervisors_add_organizations(request, persona):
    api = api_as(request.getfixturevalue(persona))
    assert api.post("/organizations", {"name": "Evil"}).status_code == 403
    assert not Organization.objects.filter(name="Evil").exists()


def test_supervisor_adds_an_organization_once(supervisor):
    api = api_as(supervisor)
    created = api.post("/organizations", {"name": "Globex", "domains": ["Globex.test"]})
    assert created.status_code == 201, created.content
    assert created.json()["domains"] == ["globex.test"]
    assert api.post("/organizations", {"name": "globex"}).status_code == 409


def test_departments_tags_and_custom_fields(agent, customer, ticket):
    CustomField.objects.create(key="serial", label="Serial", kind=FieldKind.TEXT)
    CustomField.objects.create(
        key="plan", label="Plan", kind=FieldKind.DROPDOWN, options=["a", "b"], customer_visible=True
    )
    api = api_as(agent)
    assert [d["name"] for d in api.get("/departments").json()] == ["Support"]
    api.patch(f"/tickets/{ticket.number}", {"tags": ["printer"]}, HTTP_IF_MATCH="*")
    assert [(t["name"], t["tickets"]) for t in api.get("/tags").json()] == [("printer", 1)]
    assert {f["key"] for f in api.get("/custom-fields").json()} == {"serial", "plan"}
    assert [f["key"] for f in api_as(customer).get("/custom-fields").json()] == ["plan"]
    assert api_as(customer).get("/tags").status_code == 403
