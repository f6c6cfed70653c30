"""winmail.dat (TNEF) becomes the files it carries (CH3)."""

import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from relaydesk.mail import ingest, tnef
from relaydesk.mail.models import Outcome
from relaydesk.mail.parse import parse
from relaydesk.mail.tests.conftest import corpus
from relaydesk.mail.tests.tnef_builder import attribute, mapi_props, mapi_unicode, winmail
from relaydesk.tickets.models import Ticket


def test_outlook_winmail_dat_becomes_real_attachments(mailbox):
    assert ingest.receive(corpus("outlook_winmail_dat.eml")) == Outcome.CREATED
    message = Ticket.objects.get().messages.get()
    files = {a.filename: a for a in message.attachments.all()}
    # the long MAPI name wins over the 8.3 title; names are made safe as every upload's are
    assert set(files) == {"Quarterly_report_2026__Müller.xlsx", "INVOIC1.PDF"}
    assert files["INVOIC1.PDF"].content_type == "application/pdf"
    assert files["INVOIC1.PDF"].file.read().startswith(b"%PDF-1.4")
    assert message.body_text.startswith("Please find the report attached.")


def test_the_tnef_body_is_the_text_when_the_mail_has_none():
    from email.mime.application import MIMEApplication

    part = MIMEApplication(winmail([("A.TXT", "", b"x")], body="Body in TNEF"), "ms-tnef")
    part["From"] = "jan@contoso.test"
    assert parse(part.as_bytes()).text == "Body in TNEF"


def test_a_winmail_dat_that_is_not_tnef_stays_as_it_came():
    from email.mime.application import MIMEApplication

    part = MIMEApplication(b"not tnef at all", "ms-tnef", name="winmail.dat")
    part.add_header("Content-Disposition", "attachment", filename="winmail.dat")
    [kept] = parse(part.as_bytes()).attachments
    assert (kept.filename, kept.data) == ("winmail.dat", b"not tnef at all")


def test_a_cut_stream_keeps_the_files_read_before_the_cut():
    data = winmail([("A.TXT", "", b"first"), ("B.TXT", "", b"second")])
    found = tnef.unpack(data[: len(data) - 3])
    assert [(f.name, f.data) for f in found.files] == [("A.TXT", b"first")]


def test_a_property_count_of_four_billion_is_not_believed():
    props = struct.pack("<I", 0xFFFFFFFF) + mapi_unicode(tnef.PR_ATTACH_LONG_FILENAME, "x.txt")
    data = winmail([("A.TXT", "", b"data")])
    data += attribute(2, tnef.ATT_ATTACHMENT, 0x0006, props)
    assert [f.name for f in tnef.unpack(data).files] == ["x.txt"]


def test_lengths_past_the_end_stop_the_walk():
    bogus = struct.pack("<I", 1) + struct.pack("<HHII", tnef.PT_BINARY, 0x3701, 1, 0x7FFFFFFF)
    data = winmail([("A.TXT", "", b"data")]) + attribute(2, tnef.ATT_ATTACHMENT, 6, bogus)
    data += struct.pack("<BHHI", 2, tnef.ATT_ATTACH_DATA, 6, 0xFFFFFFF0) + b"short"
    assert [f.data for f in tnef.unpack(data).files] == [b"data"]


def test_many_tiny_attributes_are_read_at_most_ten_thousand():
    data = winmail([]) + attribute(1, 0x8004, 1, b"") * 50_000
    assert tnef.unpack(data).files == []


def test_unicode_names_and_mime_types_from_mapi():
    data = winmail([("PHOTO~1.JPG", "", b"\xff\xd8jpeg")])
    props = mapi_props(
        mapi_unicode(tnef.PR_ATTACH_LONG_FILENAME, "фото.jpg"),
        mapi_unicode(tnef.PR_ATTACH_MIME_TAG, "image/jpeg"),
        mapi_unicode(tnef.PR_ATTACH_CONTENT_ID, "image001.jpg@01DC"),
    )
    data += attribute(2, tnef.ATT_ATTACHMENT, 6, props)
    [photo] = tnef.unpack(data).files
    assert (photo.name, photo.content_type, photo.content_id) == (
        "фото.jpg",
        "image/jpeg",
        "image001.jpg@01DC",
    )


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_after_the_signature_never_raise(tail):
    found = tnef.unpack(struct.pack("<IH", tnef.SIGNATURE, 0) + tail)
    assert all(isinstance(f.data, bytes) and f.data for f in found.files)
