"""Parsing what real clients send: charsets, HTML, inline images, attachments, quotes (CH3)."""

import pytest

from relaydesk.mail.charsets import decode
from relaydesk.mail.parse import parse
from relaydesk.mail.tests.conftest import corpus


@pytest.mark.parametrize(
    ("name", "subject", "text"),
    [
        ("thunderbird_koi8r.eml", "Принтер", "Не работает принтер в бухгалтерии"),
        ("undeclared_cp1251.eml", "Счет на оплату", "пришлите счет на оплату"),
        ("wrong_koi8r_is_cp1251.eml", "wrong charset", "пришлите акт сверки"),
        ("polish_iso88592.eml", "Zamówienie", "Zażółć gęślą jaźń"),
        ("persian_cp1256.eml", "سفارش", "سفارش من هنوز"),
        ("gmail_new.eml", "Invoice PDF won’t open", "won’t open in Acrobat"),
        ("apple_mail_reply.eml", "Re: Delivery date", "Mulțumesc!"),
    ],
)
def test_every_charset_reads_as_written(name, subject, text):
    mail = parse(corpus(name))
    assert mail.subject == subject
    assert text in mail.text


def test_undeclared_8bit_sender_name_is_decoded():
    assert parse(corpus("undeclared_cp1251.eml")).sender_name == "Ольга"


def test_utf8_with_bad_bytes_keeps_the_good_text():
    assert parse(corpus("utf8_bad_bytes.eml")).text.startswith("Café ok, then bad")


def test_decoding_never_fails_on_random_bytes():
    assert isinstance(decode(bytes(range(256)), "x-unknown-charset"), str)


def test_html_and_plain_text_are_both_kept():
    mail = parse(corpus("gmail_new.eml"))
    assert "Could you resend it?" in mail.text
    assert "<div" in mail.html
    assert mail.sender == "zoe@acme.test"
    assert mail.sender_name == "Zoë Müller"
    assert mail.cc == ["cecil@acme.test"]
    assert mail.message_id == "CAKx9f2a1B3=gmail-new-1@mail.gmail.com"


def test_inline_image_keeps_its_content_id():
    mail = parse(corpus("outlook_inline_image.eml"))
    [image] = mail.attachments
    assert (image.filename, image.content_type, image.inline) == ("image001.png", "image/png", True)
    assert image.content_id == "image001.png@01DB3A2B.5C6D7E80"
    assert f"cid:{image.content_id}" in mail.html


@pytest.mark.parametrize(
    ("name", "shown", "folded"),
    [
        ("apple_mail_reply.eml", "Friday works.", "We can deliver on Friday."),
        ("outlook_inline_image.eml", "Regards, Piotr", "Earlier conversation text"),
        ("iphone_reply.eml", "Still broken after restart.", "Please restart it."),
    ],
)
def test_quoted_history_is_folded_but_kept(name, shown, folded):
    mail = parse(corpus(name))
    before, _, after = mail.html.partition("<details>")
    assert shown in before
    assert folded in after
    assert folded in mail.text


def test_forwarded_mail_becomes_an_eml_attachment():
    mail = parse(corpus("forward_with_eml.eml"))
    names = [a.filename for a in mail.attachments]
    assert names == ["Contract draft.eml", "contract.pdf", "setup.exe"]
    assert b"Draft attached." in mail.attachments[0].data


def test_vacation_reply_is_an_auto_reply():
    assert parse(corpus("vacation_reply.eml")).auto_reply


def test_outlook_suppress_header_is_not_an_auto_reply():
    assert not parse(corpus("outlook_inline_image.eml")).auto_reply


def test_delivery_report_names_the_bounced_message():
    assert parse(corpus("bounce_dsn.eml")).bounce_of == ["outbound-original-1@example.com"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [("<a1@b.test>", "a1@b.test"), ("a1@b.test", "a1@b.test"), ("not an id", ""), ("", "")],
)
def test_message_id_with_or_without_brackets(header, expected):
    raw = f"From: x@acme.test\r\nMessage-ID: {header}\r\n\r\nhi".encode()
    assert parse(raw).message_id == expected
