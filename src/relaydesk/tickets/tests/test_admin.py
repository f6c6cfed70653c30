import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from relaydesk.tickets.models import CustomField, FieldKind

CONFIG_MODELS = ["customstatus", "tickettype", "category", "tag", "customfield"]


@pytest.mark.parametrize("model", CONFIG_MODELS)
def test_admin_configures_ticket_classification(client, admin_user, model):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:tickets_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:tickets_{model}_add")).status_code == 200


@pytest.mark.parametrize("persona", ["agent", "supervisor", "customer"])
def test_only_admins_reach_configuration(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("admin:tickets_customfield_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_creates_a_dropdown_field_through_the_form(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:tickets_customfield_add"),
        {
            "key": "product",
            "label": "Product",
            "kind": FieldKind.DROPDOWN,
            "options": '["P100", "P300"]',
            "position": 0,
        },
    )
    assert response.status_code == 302
    assert CustomField.objects.get(key="product").options == ["P100", "P300"]


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        (FieldKind.DROPDOWN, []),
        (FieldKind.DROPDOWN, "P100"),
        (FieldKind.DROPDOWN, [1, 2]),
        (FieldKind.TEXT, ["stray"]),
    ],
)
def test_custom_field_options_must_fit_the_kind(db, kind, options):
    field = CustomField(key="f", label="F", kind=kind, options=options)
    with pytest.raises(ValidationError) as error:
        field.full_clean()
    assert "options" in error.value.message_dict
    assert not CustomField.objects.exists()
