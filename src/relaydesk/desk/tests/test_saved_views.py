import pytest

from relaydesk.conftest import signed_in
from relaydesk.desk import reference
from relaydesk.savedviews import services as saved
from relaydesk.savedviews.models import SavedView
from relaydesk.tickets import services
from relaydesk.tickets.models import Channel, Priority


def _ticket(customer, department, subject, **fields):
    return services.create_ticket(
        actor=customer,
        requester=customer,
        subject=subject,
        body=services.Body("help"),
        channel=Channel.EMAIL,
        department=department,
        **fields,
    )


@pytest.fixture
def tickets(customer, support, sales):
    return {
        "support_urgent": _ticket(customer, support, "Support urgent", priority=Priority.URGENT),
        "support_low": _ticket(customer, support, "Support low", priority=Priority.LOW),
        "sales_urgent": _ticket(customer, sales, "Sales urgent", priority=Priority.URGENT),
    }


def subjects(response):
    return [s for s in ("Support urgent", "Support low", "Sales urgent") if s in response.text]


def test_save_this_view_keeps_the_list_filters_and_opens_it(as_agent, agent, tickets):
    response = as_agent.post(
        "/desk/views/new/",
        {"name": " Urgent  work ", "priority": "4", "group": "active", "sort": "-created"},
    )
    view = SavedView.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/desk/?view={view.pk}"
    assert (view.owner, view.shared, view.name) == (agent, False, "Urgent work")
    assert view.filters == {"group": "active", "priority": "4"}
    assert view.sort == "-created"
    page = as_agent.get(response["Location"])
    assert subjects(page) == ["Support urgent"]
    assert "Urgent work" in page.text


def test_sidebar_shows_views_with_capped_counts(as_agent, agent, tickets, monkeypatch):
    from relaydesk.desk import listing

    saved.create_view(actor=agent, name="Everything open", filters={"group": "active"})
    monkeypatch.setattr(listing, "VIEW_COUNT_CAP", 1)
    response = as_agent.get("/desk/")
    assert "Everything open" in response.text
    assert '<span class="count">1+</span>' in response.text


def test_view_columns_choose_what_the_table_shows(as_agent, agent, tickets):
    view = saved.create_view(
        actor=agent, name="Lean", filters={}, columns=["priority"], sort="number"
    )
    response = as_agent.get(f"/desk/?view={view.pk}")
    assert 'class="col-priority"' in response.text
    assert 'class="col-assignee"' not in response.text
    assert 'class="col-number"' in response.text  # always shown


def test_shared_view_never_shows_what_the_viewer_cannot_see(
    supervisor, other_agent, tickets, support
):
    view = saved.create_view(
        actor=supervisor, name="Urgent", filters={"priority": "4"}, shared=True
    )
    response = signed_in(other_agent).get(f"/desk/?view={view.pk}")
    assert subjects(response) == ["Sales urgent"]
    assert saved.view_counts(other_agent, [view])[view.pk] == (1, False)


def test_only_admins_and_supervisors_share_views(agent, supervisor, admin_user):
    with pytest.raises(saved.PermissionDenied):
        saved.create_view(actor=agent, name="Team", filters={}, shared=True)
    assert saved.create_view(actor=supervisor, name="Team", filters={}, shared=True).shared
    response = signed_in(agent).post("/desk/views/new/", {"name": "Team", "shared": "on"})
    assert response.status_code == 403
    assert SavedView.objects.filter(owner=agent).count() == 0


def test_personal_views_are_private(agent, other_agent, tickets):
    view = saved.create_view(actor=agent, name="Alice private", filters={})
    client = signed_in(other_agent)
    assert client.get(f"/desk/?view={view.pk}").status_code == 404
    assert client.get(f"/desk/views/{view.pk}/").status_code == 404
    response = client.post(f"/desk/views/{view.pk}/manage/", {"action": "delete"})
    assert response.status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()
    assert "Alice private" not in client.get("/desk/").text


def test_customer_is_refused_every_view_page(as_customer, agent):
    view = saved.create_view(actor=agent, name="Mine", filters={})
    for path in ("/desk/views/", f"/desk/views/{view.pk}/", f"/desk/?view={view.pk}"):
        assert as_customer.get(path).status_code == 403
    assert as_customer.post("/desk/views/new/", {"name": "x"}).status_code == 403
    assert (
        as_customer.post(f"/desk/views/{view.pk}/manage/", {"action": "delete"}).status_code == 403
    )
    assert SavedView.objects.count() == 1


def test_agents_may_use_but_not_change_shared_views(agent, supervisor):
    view = saved.create_view(actor=supervisor, name="Team", filters={}, shared=True)
    client = signed_in(agent)
    assert "Team" in client.get("/desk/views/").text
    assert client.get(f"/desk/views/{view.pk}/").status_code == 403
    assert client.post(f"/desk/views/{view.pk}/manage/", {"action": "delete"}).status_code == 403
    view.refresh_from_db()
    assert not view.hidden


def test_an_agent_hides_a_shared_view_for_themselves_only(agent, supervisor, other_agent):
    view = saved.create_view(actor=supervisor, name="Team board", filters={}, shared=True)
    client = signed_in(agent)
    assert client.post(f"/desk/views/{view.pk}/manage/", {"action": "hide"}).status_code == 302
    assert f"?view={view.pk}" not in client.get("/desk/").text
    for someone in (supervisor, other_agent):
        assert f"?view={view.pk}" in signed_in(someone).get("/desk/").text
    view.refresh_from_db()
    assert not view.hidden
    client.post(f"/desk/views/{view.pk}/manage/", {"action": "show"})
    assert f"?view={view.pk}" in client.get("/desk/").text


def test_an_agent_orders_their_own_sidebar_shared_views_included(agent, supervisor):
    shared = saved.create_view(actor=supervisor, name="Team board", filters={}, shared=True)
    mine = saved.create_view(actor=agent, name="My board", filters={})
    assert [v.name for v in saved.sidebar_views(agent)] == ["Team board", "My board"]
    signed_in(agent).post(f"/desk/views/{mine.pk}/manage/", {"action": "up"})
    assert [v.name for v in saved.sidebar_views(agent)] == ["My board", "Team board"]
    other = saved.create_view(actor=supervisor, name="Later board", filters={}, shared=True)
    assert [v.pk for v in saved.sidebar_views(agent)] == [mine.pk, shared.pk, other.pk]
    assert [v.pk for v in saved.sidebar_views(supervisor)] == [shared.pk, other.pk]


def test_the_sidebar_reads_views_and_preferences_in_one_query(
    agent, supervisor, django_assert_num_queries
):
    shared = saved.create_view(actor=supervisor, name="Team board", filters={}, shared=True)
    mine = saved.create_view(actor=agent, name="My board", filters={})
    saved.move_view(mine, actor=agent, up=True)
    saved.hide_view(shared, user=agent, hidden=True)
    with django_assert_num_queries(1):
        sidebar = saved.sidebar_views(agent)
    assert [(v.pk, v.hidden_here) for v in sidebar] == [(mine.pk, False), (shared.pk, True)]
    assert [(v.pk, v.hidden_here) for v in saved.sidebar_views(supervisor)] == [(shared.pk, False)]


def test_a_place_kept_for_a_view_no_longer_shared_changes_no_order(agent, supervisor):
    gone = saved.create_view(actor=supervisor, name="Was shared", filters={}, shared=True)
    first = saved.create_view(actor=agent, name="First", filters={})
    second = saved.create_view(actor=agent, name="Second", filters={})
    saved.move_view(second, actor=agent, up=True)  # places all three
    SavedView.objects.filter(pk=gone.pk).update(shared=False)  # no longer offered to the agent
    later = saved.create_view(actor=supervisor, name="Later", filters={}, shared=True)
    assert [v.pk for v in saved.sidebar_views(agent)] == [second.pk, first.pk, later.pk]


def test_nobody_moves_or_hides_a_view_they_are_not_offered(agent, other_agent, as_customer):
    view = saved.create_view(actor=agent, name="Private", filters={})
    client = signed_in(other_agent)
    for action in ("up", "hide"):
        assert client.post(f"/desk/views/{view.pk}/manage/", {"action": action}).status_code == 404
        assert (
            as_customer.post(f"/desk/views/{view.pk}/manage/", {"action": action}).status_code
            == 403
        )
    with pytest.raises(saved.PermissionDenied):
        saved.hide_view(view, user=other_agent, hidden=True)
    assert not view.preferences.exists()


def test_edit_changes_name_filters_columns_and_sort(as_agent, agent, tickets):
    view = saved.create_view(actor=agent, name="Old", filters={"priority": "4"})
    response = as_agent.post(
        f"/desk/views/{view.pk}/",
        {
            "name": "New",
            "group": "",
            "queue": "",
            "columns": ["status"],
            "sort": "number",
            "f-priority": "1",
        },
    )
    assert response.status_code == 302
    view.refresh_from_db()
    assert (view.name, view.filters, view.sort) == ("New", {"priority": "1"}, "number")
    assert view.columns == ["number", "subject", "status"]
    assert subjects(as_agent.get(f"/desk/?view={view.pk}")) == ["Support low"]


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "sort": "number"},
        {"name": "x" * 81, "sort": "number"},
        {"name": "ok", "sort": "number; drop table"},
        {"name": "ok", "sort": "number", "columns": ["password"]},
        {"name": "ok", "sort": "number", "f-department": "999999"},
        {"name": "ok", "sort": "number", "group": "<script>"},
    ],
)
def test_bad_edits_are_refused_and_change_nothing(as_agent, agent, data):
    view = saved.create_view(actor=agent, name="Keep", filters={"priority": "4"})
    response = as_agent.post(f"/desk/views/{view.pk}/", data)
    assert response.status_code == 422
    view.refresh_from_db()
    assert (view.name, view.filters) == ("Keep", {"priority": "4"})


@pytest.mark.parametrize(
    "data",
    [
        {"name": "ok", "priority": "99"},
        {"name": "ok", "group": "everything"},
        {"name": "ok", "queue": "someone-else"},
        {"name": "ok", "requester": "a" * 300},
        {"name": ""},
        {"name": "\x00 \x00"},
    ],
)
def test_bad_saves_are_refused_and_create_nothing(as_agent, data):
    response = as_agent.post("/desk/views/new/", data)
    assert response.status_code == 302
    assert SavedView.objects.count() == 0
    assert "flash-error" in as_agent.get("/desk/").text


def test_reorder_hide_and_delete(as_agent, agent):
    first = saved.create_view(actor=agent, name="First", filters={})
    second = saved.create_view(actor=agent, name="Second", filters={})
    as_agent.post(f"/desk/views/{second.pk}/manage/", {"action": "up"})
    assert [v.name for v in saved.sidebar_views(agent)] == ["Second", "First"]
    as_agent.post(f"/desk/views/{first.pk}/manage/", {"action": "hide"})
    sidebar = as_agent.get("/desk/").text
    assert "Second" in sidebar
    assert f"?view={first.pk}" not in sidebar
    as_agent.post(f"/desk/views/{first.pk}/manage/", {"action": "delete"})
    assert list(saved.views_for(agent).values_list("name", flat=True)) == ["Second"]


def test_a_view_whose_department_is_gone_shows_empty_not_an_error(as_agent, agent, sales):
    saved.create_view(actor=agent, name="Sales", filters={"department": str(sales.pk)})
    sales.delete()
    response = as_agent.get("/desk/")
    assert response.status_code == 200
    assert "Sales" in response.text


def test_a_counted_view_whose_department_goes_counts_nothing(other_agent, sales, support):
    view = saved.create_view(
        actor=other_agent, name="Sales", filters={"department": str(support.pk)}
    )
    assert saved.view_counts(other_agent, [view]) == {view.pk: (0, False)}  # filters now kept
    support.delete()
    assert not len(reference.lists)  # the department's deletion dropped them
    assert saved.view_counts(other_agent, [view]) == {view.pk: (0, False)}


def test_views_page_describes_filters_in_words(as_agent, agent, support):
    filters = {"queue": "mine", "priority": "4", "department": str(support.pk)}
    saved.create_view(actor=agent, name="Described", filters=filters)
    page = as_agent.get("/desk/views/").text
    assert "Queue: Mine" in page
    assert "Priority: Urgent" in page
    assert f"Department: {support.name}" in page
