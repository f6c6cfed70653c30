from django.utils import timezone

from relaydesk.api.tests.conftest import api_as
from relaydesk.tickets import services
from relaydesk.tickets.models import Channel, MessageKind, Ticket
from relaydesk.tickets.tests.helpers import nothing_changes, upload


def test_smallest_create_answers_201_with_the_ticket(agent, support):
    api = api_as(agent)
    response = api.post(
        "/tickets",
        {"subject": "VPN down", "body": "Since 9am.", "requester_email": "New@Client.test"},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["subject"] == "VPN down"
    assert data["requester"]["email"] == "new@client.test"
    assert data["channel"] == "api"
    assert data["priority"] == "normal"
    assert data["sla"] == {
        "policy": None,
        "first_response_due_at": None,
        "next_response_due_at": None,
        "resolution_due_at": None,
        "state": "none",
    }
    assert response["ETag"]
    assert Ticket.objects.get(number=data["number"]).messages.get().body_text == "Since 9am."


def around_the_clock():
    """An SLA policy for every ticket: targets for normal and urgent priority."""
    from relaydesk.sla.models import Policy, Target
    from relaydesk.tickets.models import Priority

    policy = Policy.objects.create(name="Around the clock", position=1)
    for priority, minutes in ((Priority.NORMAL, 60), (Priority.URGENT, 30)):
        Target.objects.create(
            policy=policy,
            priority=priority,
            first_response=minutes,
            next_response=2 * minutes,
            resolution=8 * minutes,
        )
    return policy


def test_a_created_ticket_answers_as_it_reads_afterwards(agent, support):
    """The create's answer is built from the ticket in hand: the same JSON and ETag as a read."""
    around_the_clock()
    api = api_as(agent)
    created = api.post(
        "/tickets",
        {
            "subject": "Printer on fire",
            "body": "Smoke.",
            "requester_email": "carol@acme.test",
            "department": "Support",
            "priority": "urgent",
            "tags": ["printer", "fire"],
        },
    )
    assert created.status_code == 201, created.content
    read = api.get(f"/tickets/{created.json()['number']}")
    assert created.json() == read.json()
    assert created["ETag"] == read["ETag"]
    assert created.json()["sla"]["policy"] is not None


def test_create_takes_priority_by_name_department_by_name_and_tags(agent, support):
    response = api_as(agent).post(
        "/tickets",
        {
            "subject": "Refund",
            "body": "Please.",
            "requester_email": "x@client.test",
            "priority": "urgent",
            "department": "support",
            "tags": ["Billing", "#vip"],
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["priority"], data["department"]["name"]) == ("urgent", "Support")
    assert data["tags"] == ["billing", "vip"]


def test_bad_create_gives_field_errors_and_changes_nothing(agent, support):
    api = api_as(agent)
    with nothing_changes():
        response = api.post(
            "/tickets",
            {"subject": " ", "body": "x", "requester_email": "a@b.test", "department": "Nope"},
        )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert {e["field"] for e in problem["errors"]} == {"department"}
    with nothing_changes():
        response = api.post("/tickets", {"subject": 5, "body": None})
    assert response.status_code == 422
    assert {"subject", "body"} <= {e["field"] for e in response.json()["errors"]}


def test_malformed_json_is_a_problem_not_a_crash(agent):
    api = api_as(agent)
    response = api.client.post("/api/v1/tickets", b"{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"


def test_idempotency_key_replays_the_first_answer(agent, support):
    api = api_as(agent)
    payload = {"subject": "Once", "body": "Only once.", "requester_email": "o@client.test"}
    first = api.post("/tickets", payload, HTTP_IDEMPOTENCY_KEY="k-1")
    second = api.post("/tickets", payload, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["number"] == second.json()["number"]
    assert second["Idempotent-Replayed"] == "true"
    assert Ticket.objects.filter(subject="Once").count() == 1
    other = api.post("/tickets", {**payload, "subject": "Twice"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    assert Ticket.objects.filter(subject="Twice").count() == 0


def test_failed_create_leaves_the_idempotency_key_free(agent, support):
    api = api_as(agent)
    bad = {"subject": "", "body": "x", "requester_email": "o@client.test"}
    assert api.post("/tickets", bad, HTTP_IDEMPOTENCY_KEY="k-2").status_code == 422
    good = {**bad, "subject": "Now right"}
    assert api.post("/tickets", good, HTTP_IDEMPOTENCY_KEY="k-2").status_code == 201


def test_if_match_refuses_a_stale_update(agent, ticket):
    api = api_as(agent)
    read = api.get(f"/tickets/{ticket.number}")
    etag = read["ETag"]
    first = api.patch(f"/tickets/{ticket.number}", {"priority": "high"}, HTTP_IF_MATCH=etag)
    assert first.status_code == 200, first.content
    assert first["ETag"] != etag
    with nothing_changes():
        stale = api.patch(f"/tickets/{ticket.number}", {"priority": "low"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["status"] == 412
    ticket.refresh_from_db()
    assert ticket.priority == 3


def test_update_without_if_match_is_428_and_changes_nothing(agent, ticket):
    api = api_as(agent)
    for headers in ({}, {"HTTP_IF_MATCH": " "}):
        with nothing_changes():
            response = api.patch(f"/tickets/{ticket.number}", {"priority": "low"}, **headers)
        assert response.status_code == 428
        assert response["Content-Type"] == "application/problem+json"
        assert [e["field"] for e in response.json()["errors"]] == ["If-Match"]
    star = api.patch(f"/tickets/{ticket.number}", {"priority": "low"}, HTTP_IF_MATCH="*")
    assert star.status_code == 200, star.content


def test_if_match_takes_a_list_and_weak_tags(agent, ticket):
    api = api_as(agent)
    etag = api.get(f"/tickets/{ticket.number}")["ETag"]
    response = api.patch(
        f"/tickets/{ticket.number}", {"subject": "Both"}, HTTP_IF_MATCH=f'"other", W/{etag}'
    )
    assert response.status_code == 200, response.content


def test_update_changes_status_assignee_and_tags(agent, ticket):
    response = api_as(agent).patch(
        f"/tickets/{ticket.number}",
        {"status": "pending", "assignee": agent.pk, "tags": ["hardware"]},
        HTTP_IF_MATCH="*",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["status"], data["assignee"]["id"], data["tags"]) == (
        "pending",
        agent.pk,
        ["hardware"],
    )


def test_list_filters_like_the_desk_and_pages_with_a_cursor(agent, customer, support):
    for n in range(5):
        services.create_ticket(
            actor=agent,
            requester=customer,
            subject=f"T{n}",
            body=services.Body("x"),
            channel=Channel.PHONE,
            department=support,
            priority=4 if n % 2 else 2,
        )
    api = api_as(agent)
    urgent = api.get("/tickets?priority=urgent").json()["items"]
    assert sorted(t["subject"] for t in urgent) == ["T1", "T3"]
    seen, cursor = [], None
    while True:
        page = api.get(
            "/tickets?limit=2&fields=number,subject" + (f"&cursor={cursor}" if cursor else "")
        )
        assert page.status_code == 200, page.content
        body = page.json()
        assert all(set(item) == {"number", "subject"} for item in body["items"])
        seen += [item["subject"] for item in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == ["T0", "T1", "T2", "T3", "T4"]


def test_list_refuses_unknown_fields_sorts_and_cursors(agent):
    api = api_as(agent)
    for query in ("fields=secret", "sort=password", "cursor=forged", "updated_since=yesterday"):
        response = api.get(f"/tickets?{query}")
        assert response.status_code == 422, query
        assert response.json()["errors"]


def test_reply_internal_note_and_attachment_download(agent, ticket):
    api = api_as(agent)
    reply = api.multipart(
        f"/tickets/{ticket.number}/messages",
        {"body": "Here is the manual.", "files": [upload("manual.txt", b"RTFM")]},
    )
    assert reply.status_code == 201, reply.content
    attachment = reply.json()["attachments"][0]
    note = api.multipart(f"/tickets/{ticket.number}/messages", {"body": "hm", "internal": "true"})
    assert note.json()["kind"] == MessageKind.NOTE
    download = api.get(attachment["url"].removeprefix("/api/v1"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"RTFM"


def test_customer_token_sees_what_the_portal_shows(customer, agent, ticket):
    services.add_message(ticket, actor=agent, body=services.Body("secret note"), internal=True)
    services.add_message(ticket, actor=agent, body=services.Body("public answer"))
    api = api_as(customer)
    kinds = [m["kind"] for m in api.get(f"/tickets/{ticket.number}/messages").json()["items"]]
    assert kinds == ["customer", "reply"]
    numbers = [t["number"] for t in api.get("/tickets").json()["items"]]
    assert numbers == [ticket.number]
    own = api.post("/tickets", {"subject": "Mine", "body": "Help"})
    assert own.status_code == 201
    assert own.json()["requester"]["email"] == customer.email


def test_customer_cannot_note_update_or_log_time(customer, ticket):
    api = api_as(customer)
    with nothing_changes():
        assert (
            api.multipart(
                f"/tickets/{ticket.number}/messages", {"body": "x", "internal": "true"}
            ).status_code
            == 403
        )
        assert api.patch(f"/tickets/{ticket.number}", {"priority": "urgent"}).status_code == 403
        assert api.post(f"/tickets/{ticket.number}/time-entries", {"minutes": 5}).status_code == 403


def test_other_customer_and_other_department_agent_get_404(other_customer, other_agent, ticket):
    for user in (other_customer, other_agent):
        api = api_as(user)
        assert api.get(f"/tickets/{ticket.number}").status_code == 404
        assert api.get(f"/tickets/{ticket.number}/messages").status_code == 404
        assert api.patch(f"/tickets/{ticket.number}", {"subject": "x"}).status_code == 404
        assert api.get("/tickets").json()["items"] == []


def test_readonly_agent_reads_but_cannot_write(readonly_agent, ticket):
    api = api_as(readonly_agent)
    assert api.get(f"/tickets/{ticket.number}").status_code == 200
    with nothing_changes():
        assert api.patch(f"/tickets/{ticket.number}", {"subject": "x"}).status_code == 403


def test_time_entries_are_logged_and_listed(agent, ticket):
    api = api_as(agent)
    assert api.post(f"/tickets/{ticket.number}/time-entries", {"minutes": 0}).status_code == 422
    created = api.post(f"/tickets/{ticket.number}/time-entries", {"minutes": 15, "note": "call"})
    assert created.status_code == 201, created.content
    listed = api.get(f"/tickets/{ticket.number}/time-entries").json()
    assert [(e["minutes"], e["note"]) for e in listed] == [(15, "call")]


def test_list_query_count_does_not_grow_with_the_page(agent, customer, support):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def make(n):
        for i in range(n):
            services.create_ticket(
                actor=agent,
                requester=customer,
                subject=f"Q{i}",
                body=services.Body("x"),
                channel=Channel.PHONE,
                department=support,
                tags=["a", f"t{i}"],
            )

    api = api_as(agent)
    make(2)
    api.get("/tickets")  # the token's first use is noted once
    with CaptureQueriesContext(connection) as small:
        assert len(api.get("/tickets").json()["items"]) == 2
    make(20)
    with CaptureQueriesContext(connection) as large:
        assert len(api.get("/tickets").json()["items"]) == 22
    assert len(large.captured_queries) == len(small.captured_queries)


def test_an_idempotency_key_is_free_again_after_a_day(agent, support):
    import datetime

    from relaydesk.api.models import IdempotentRequest

    api = api_as(agent)
    payload = {"subject": "Daily", "body": "Report", "requester_email": "d@client.test"}
    assert api.post("/tickets", payload, HTTP_IDEMPOTENCY_KEY="daily").status_code == 201
    IdempotentRequest.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    again = api.post("/tickets", payload, HTTP_IDEMPOTENCY_KEY="daily")
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert Ticket.objects.filter(subject="Daily").count() == 2
    assert IdempotentRequest.objects.count() == 1


def test_ticket_json_names_the_sla_policy_that_set_its_due_times(agent, support):
    policy = around_the_clock()
    created = api_as(agent).post(
        "/tickets", {"subject": "Printer", "body": "Jammed.", "requester_email": "p@client.test"}
    )
    assert created.status_code == 201, created.content
    sla = created.json()["sla"]
    assert sla["policy"] == {"id": policy.pk, "name": "Around the clock"}
    assert sla["state"] == "active"
    assert sla["first_response_due_at"] is not None
    listed = api_as(agent).get("/tickets").json()
    assert listed["items"][0]["sla"]["policy"]["name"] == "Around the clock"


def test_a_listed_ticket_reads_as_the_ticket_itself(agent, other_agent, customer, support, acme):
    """The list reads what tickets refer to in bulk; each item is what the ticket's own
    address answers, relation by relation."""
    from relaydesk.accounts.models import Organization
    from relaydesk.sla.models import Policy, TicketSla
    from relaydesk.tickets.models import TicketType

    kinds = [TicketType.objects.create(name=n) for n in ("Question", "Incident")]
    other = Organization.objects.create(name="Other Org")
    policy = Policy.objects.create(name="Gold")
    made = [
        services.create_ticket(
            actor=agent,
            requester=customer,
            subject=f"R{n}",
            body=services.Body("x"),
            channel=Channel.PHONE,
            department=support if n % 2 else None,
            ticket_type=kinds[n % 2] if n < 3 else None,
            assignee=agent if n == 1 else None,
            tags=[f"t{n}", "shared"] if n else [],
        )
        for n in range(4)
    ]
    Ticket.objects.filter(pk=made[2].pk).update(organization=other, merged_into=made[1])
    TicketSla.objects.update_or_create(ticket=made[1], defaults={"policy": policy})
    api = api_as(agent)
    listed = {t["number"]: t for t in api.get("/tickets").json()["items"]}
    assert set(listed) == {t.number for t in made}
    for t in made:
        assert listed[t.number] == api.get(f"/tickets/{t.number}").json()
    assert listed[made[1].number]["sla"]["policy"] == {"id": policy.pk, "name": "Gold"}
    assert listed[made[1].number]["assignee"]["id"] == agent.pk
    assert listed[made[2].number]["organization"]["name"] == "Other Org"
    assert listed[made[2].number]["merged_into"] == made[1].number
    assert listed[made[0].number]["organization"]["name"] == acme.name
    assert listed[made[1].number]["type"]["name"] == "Incident"
    assert listed[made[3].number]["tags"] == ["shared", "t3"]
    # A merge target the caller cannot see is not named.
    seen = {t["number"]: t for t in api_as(other_agent).get("/tickets").json()["items"]}
    assert seen[made[2].number]["merged_into"] is None
