import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from relaydesk.search import service
from relaydesk.search.models import SearchDocument
from relaydesk.tickets import services


def found(user, text, **kwargs):
    return [t.pk for t in service.search(user, text, **kwargs).page.tickets]


@pytest.mark.parametrize(
    ("language", "body", "query"),
    [
        ("ru", "Моя заявка не обработана уже неделю.", "заявки"),
        ("ro", "Nu am primit factura pentru luna trecută.", "facturile"),
        ("en", "Please resend the invoice for March.", "invoices"),
        ("pl", "Moje zamówienie nie dotarło do dzisiaj.", "zamowienie"),
        ("fa", "پرداخت من انجام نشد و پول کسر شده است", "پرداخت"),
    ],
)
def test_words_are_found_in_each_language(agent, open_ticket, language, body, query):
    ticket = open_ticket("Help", body, language=language)
    open_ticket("Unrelated", "Nothing to see here.", language=language)
    assert found(agent, query) == [ticket.pk]


def test_subject_requester_and_organization_are_searched(agent, open_ticket):
    ticket = open_ticket("Printer on fire", "It smokes.")
    assert found(agent, "printer") == [ticket.pk]
    assert found(agent, "Carol") == [ticket.pk]
    assert found(agent, "Acme") == [ticket.pk]


def test_a_phrase_matches_only_those_words_together(agent, open_ticket):
    together = open_ticket("A", "The blue screen appears at start.")
    apart = open_ticket("B", "The screen is blue and appears dark.")
    assert found(agent, '"blue screen"') == [together.pk]
    assert set(found(agent, "blue screen")) == {together.pk, apart.pk}


def test_a_new_message_and_a_new_subject_are_searchable_at_once(agent, open_ticket):
    ticket = open_ticket("Printer", "First words.")
    services.add_message(ticket, actor=agent, body=services.Body("Replaced the toner cartridge."))
    services.update_ticket(ticket, actor=agent, subject="Copier jammed")
    assert found(agent, "cartridge") == [ticket.pk]
    assert found(agent, "copier") == [ticket.pk]
    assert found(agent, "printer") == []


def test_attachment_file_names_are_searchable(agent, open_ticket):
    upload = SimpleUploadedFile("quarterly-report.pdf", b"%PDF", content_type="application/pdf")
    ticket = open_ticket("Files", "See attached.", attachments=[upload])
    assert found(agent, "quarterly") == [ticket.pk]


def test_internal_notes_are_found_by_agents_only(agent, customer, open_ticket):
    ticket = open_ticket("Login", "I cannot sign in.")
    services.add_message(
        ticket, actor=agent, body=services.Body("Suspect fraudulent account."), internal=True
    )
    assert found(agent, "fraudulent") == [ticket.pk]
    assert found(customer, "fraudulent") == []
    assert found(customer, "sign") == [ticket.pk]


def test_search_keeps_to_visible_tickets(other_agent, other_customer, agent, open_ticket):
    ticket = open_ticket("Printer on fire", "Smoke everywhere.")
    assert found(agent, "smoke") == [ticket.pk]
    assert found(other_agent, "smoke") == []
    assert found(other_customer, "smoke") == []
    assert service.ticket_for_number(other_agent, str(ticket.number)) is None


def test_email_finds_the_contact_and_their_tickets(agent, customer, colleague, open_ticket):
    mine = open_ticket("Mine", "One.")
    open_ticket("Theirs", "Two.", requester=colleague)
    results = service.search(agent, "CAROL@acme.test")
    assert [t.pk for t in results.page.tickets] == [mine.pk]
    assert results.contacts == [customer]


def test_snippets_mark_matches_and_escape_the_text(agent, open_ticket):
    ticket = open_ticket("X", "The <script>alert(1)</script> toaster exploded.")
    snippet = service.search(agent, "toaster").snippets[ticket.pk]
    assert "<mark>toaster</mark>" in snippet
    assert "<script>" not in snippet  # escaped (SQLite) or dropped as markup (PostgreSQL)


def test_results_page_without_a_cap(agent, open_ticket):
    tickets = [open_ticket(f"Case {i}", "Same words in every ticket.") for i in range(5)]
    seen, after = [], ""
    while True:
        results = service.search(agent, "words", sort="date", after=after, size=2)
        seen += [t.pk for t in results.page.tickets]
        if not results.page.next_cursor:
            break
        after = results.page.next_cursor
    assert seen == [t.pk for t in reversed(tickets)]


def test_relevance_puts_subject_matches_first(agent, open_ticket):
    body_only = open_ticket("Question", "Something about a modem.")
    open_ticket("Other", "Nothing.")
    subject = open_ticket("Modem broken", "It blinks.")
    services.update_ticket(body_only, actor=agent, priority=3)  # newer activity
    assert found(agent, "modem") == [subject.pk, body_only.pk]
    assert found(agent, "modem", sort="date") == [body_only.pk, subject.pk]


def test_filters_narrow_the_results(agent, sales, open_ticket, admin_user):
    a = open_ticket("Router", "Broken router.")
    b = open_ticket("Router", "Broken router.", department=sales)
    assert set(found(admin_user, "router")) == {a.pk, b.pk}
    assert found(admin_user, "router", filters=service.Filters(department=sales)) == [b.pk]
    services.update_ticket(a, actor=admin_user, status="pending")
    assert found(admin_user, "router", filters=service.Filters(status="pending")) == [a.pk]


def test_hostile_query_syntax_is_just_words(agent, open_ticket):
    ticket = open_ticket("Quotes", "A title with NEAR and OR inside.")
    for text in ['"unbalanced', "NEAR(", "title*) OR (", "-", "^:*&|!", "\x00\x02"]:
        service.search(agent, text)
    assert found(agent, "inside) NEAR(") == [ticket.pk]


def test_deleting_a_ticket_removes_its_document(agent, open_ticket):
    ticket = open_ticket("Gone", "Vanishing words.")
    ticket.delete()
    assert not SearchDocument.objects.exists()
    assert found(agent, "vanishing") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_a_typo_in_the_subject_still_finds_it(agent, open_ticket):
    ticket = open_ticket("Printer on fire", "Smoke.")
    assert found(agent, "printre") == [ticket.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_typos_are_looked_for_only_when_the_words_match_nothing(agent, open_ticket):
    right = open_ticket("Printer on fire", "Smoke.")
    misspelt = open_ticket("Printre jammed", "Paper stuck.")
    # "printer" is like "Printre" (pg_trgm), but the word is found as typed: no typo search.
    assert found(agent, "printer") == [right.pk]
    assert found(agent, "printre") == [misspelt.pk]
    assert found(agent, "printerr") == [right.pk]  # matches nothing: subjects with like words


def test_relevance_ranks_the_newest_matches_only(agent, open_ticket, monkeypatch):
    """The documented bound: a common word is ranked among its newest RANK_CANDIDATES
    matches; an older, better match is still found by date order and by narrower words."""
    best_but_old = open_ticket("Modem modem modem", "The modem again.")
    newer = [open_ticket(f"Case {n}", "A modem question.") for n in range(3)]
    monkeypatch.setattr(service, "RANK_CANDIDATES", 3)
    assert set(found(agent, "modem")) == {t.pk for t in newer}
    assert best_but_old.pk in found(agent, "modem", sort="date")
    monkeypatch.setattr(service, "RANK_CANDIDATES", 10)
    assert found(agent, "modem")[0] == best_but_old.pk


def test_a_number_at_the_edges(agent, open_ticket):
    ticket = open_ticket("Numbered", "Body.")
    assert service.ticket_for_number(agent, f"  #{ticket.number} ") == ticket
    assert service.ticket_for_number(agent, f"0{ticket.number}") == ticket
    assert service.ticket_for_number(agent, "9" * 18) is None
    assert service.ticket_for_number(agent, "9" * 19) is None  # too long: searched as a word
    assert service.ticket_for_number(agent, f"{ticket.number}x") is None


def test_an_email_at_the_edges(agent, customer, open_ticket):
    ticket = open_ticket("Mailed", "Body.")
    assert found(agent, f"  {customer.email.upper()}  ") == [ticket.pk]
    assert found(agent, "nobody@nowhere.test") == []
    assert found(agent, "carol@acme") == [ticket.pk]  # not an address: the words Carol, Acme


@pytest.mark.skipif(connection.vendor != "postgresql", reason="column statistics")
def test_rare_words_come_from_the_index_and_common_ones_from_the_walk(
    agent, other_agent, open_ticket, monkeypatch
):
    from relaydesk.search import backends

    tickets = [open_ticket(f"Case {n}", f"Please help with case {n}.") for n in range(120)]
    rare = open_ticket("Lantern", "A zanzibarite lantern, please.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
    monkeypatch.setattr(backends, "_common", (0.0, frozenset()))  # read the statistics anew
    engine = backends.backend()
    assert engine.few_matches("zanzibarite", notes=True, cap=10) == [rare.pk]
    assert engine.few_matches("please", notes=True, cap=100) is None  # common: walk
    assert engine.few_matches("zanzibarit", notes=True, cap=10) == [rare.pk]  # a typo
    assert found(agent, "zanzibarite") == [rare.pk]
    assert found(other_agent, "zanzibarite") == []  # the index's ids still pass the door
    assert len(found(agent, "please", size=200)) == len(tickets) + 1
    monkeypatch.setattr(service, "FEW_MATCHES", 0)  # too many for the index path: the walk
    assert found(agent, "zanzibarite") == [rare.pk]


def test_an_email_finds_the_contact_by_a_further_address(agent, other_agent, customer, open_ticket):
    from relaydesk.accounts.models import ContactEmail

    ticket = open_ticket("Mailed", "Body.")
    ContactEmail.objects.create(user=customer, email="carol.private@home.test")
    results = service.search(agent, "Carol.Private@home.test")
    assert results.contacts == [customer]
    assert service.search(agent, customer.email).contacts == [customer]
    assert (
        service.search(other_agent, "carol.private@home.test").contacts == []
    )  # no visible ticket
    assert [t.pk for t in service.search(agent, customer.email).page.tickets] == [ticket.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="column statistics")
def test_common_words_seldom_together_come_from_the_index(
    agent, other_agent, open_ticket, monkeypatch
):
    """Each word in half the documents, both in a few: the planner's estimate of the AND is
    small, so the ids come from the GIN indexes; the results are those of the walk."""
    from relaydesk.search import backends

    for n in range(40):
        open_ticket(f"Alpha {n}", "An alphabet question.")
        open_ticket(f"Beta {n}", "A betatron question.")
    both = [open_ticket(f"Both {n}", "Alphabet and betatron.") for n in range(3)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
    monkeypatch.setattr(backends, "_common", (0.0, frozenset()))
    engine = backends.backend()
    assert engine.few_matches("alphabet", notes=True, cap=30) is None  # common alone: walk
    assert sorted(engine.few_matches("alphabet betatron", notes=True, cap=30)) == sorted(
        t.pk for t in both
    )
    expected = {t.pk for t in both}
    for sort in ("relevance", "date"):
        assert set(found(agent, "alphabet betatron", sort=sort)) == expected
        assert found(other_agent, "alphabet betatron", sort=sort) == []
    monkeypatch.setattr(service, "FEW_MATCHES", 0)  # the walk finds the same
    assert set(found(agent, "alphabet betatron")) == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ts_headline's bounded text")
def test_a_snippet_comes_from_the_start_of_a_long_document(agent, open_ticket, monkeypatch):
    from relaydesk.search import backends

    monkeypatch.setattr(backends, "SNIPPET_TEXT", 200)
    early = open_ticket("Early", "The toaster is broken. " + "Filler words. " * 40)
    late = open_ticket("Late", "Filler words. " * 40 + "The toaster is broken.")
    results = service.search(agent, "toaster")
    assert {t.pk for t in results.page.tickets} == {early.pk, late.pk}  # both still match
    assert "<mark>toaster</mark>" in results.snippets[early.pk]
    assert late.pk not in results.snippets


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN storage parameters")
def test_search_gin_indexes_keep_a_short_pending_list(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN"
            " ('search_public_vector', 'search_note_vector', 'search_title_trgm')"
        )
        options = dict(cursor.fetchall())
    assert len(options) == 3
    assert all(o == ["gin_pending_list_limit=256"] for o in options.values())


def test_alternatives_split_a_tsquery_at_its_top_level_ors():
    from relaydesk.search.backends import alternatives

    query = "'refund' & 'mobil' | 'refund' & 'mobil' | ( 'a' | 'b' ) & 'c' | 'it''s | x'"
    assert alternatives(query) == ["'refund' & 'mobil'", "( 'a' | 'b' ) & 'c'", "'it''s | x'"]
    assert alternatives("") == []


def test_a_new_tickets_document_is_the_one_its_stored_messages_make(customer, open_ticket):
    from django.test.utils import CaptureQueriesContext

    from relaydesk.search import indexer

    upload = SimpleUploadedFile("quarterly-report.pdf", b"%PDF", content_type="application/pdf")
    columns = ("config", "title", "public_text", "note_text")
    with CaptureQueriesContext(connection) as queries:
        ticket = open_ticket("Files", "See attached.", attachments=[upload])
    assert not any('FROM "tickets_attachment"' in q["sql"] for q in queries.captured_queries)
    made = SearchDocument.objects.values_list(*columns).get(ticket=ticket)
    assert customer.organization.name in made[2]
    assert "quarterly-report.pdf" in made[2]
    indexer.index_ticket(ticket)  # from the messages as stored
    assert SearchDocument.objects.values_list(*columns).get(ticket=ticket) == made
