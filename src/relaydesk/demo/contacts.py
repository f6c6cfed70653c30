"""The demo's contacts (PO6): customers known by more than one address and phone number, and
organizations with the notes agents keep about them."""

from __future__ import annotations

from relaydesk.accounts.models import ContactEmail, ContactPhone, Organization, User

# name → (further addresses, further numbers, notes)
CONTACTS = {
    "Chris Taylor": (
        ("chris.taylor@home.example.net", "c.taylor@mobile.example.net"),
        ("+44 7700 900123",),
        "Writes from home and from the phone as well. Prefers a call back for urgent issues.",
    ),
    "Иван Петров": (
        ("ivan.petrov@mail.example.ru",),
        ("+7 916 555 01 02",),
        "Пишет с личного адреса, когда в офисе не работает почта.",
    ),
    "James Whitaker": (
        ("accounts@northwind.example.com",),
        (),
        "Handles Northwind's invoices; copies the shared accounts mailbox.",
    ),
}

ORGANIZATION_NOTES = {
    "Northwind Trading": (
        "Key account since 2021, 24/7 support contract.\n"
        "Renewal every March: James Whitaker signs.\n"
        "Outages: call the duty phone before writing."
    ),
    "Carpathia Logistics": (
        "Două domenii de email (.org și .com), ambele ale aceleiași firme.\n"
        "Facturare trimestrială; întrebările de plată merg la Billing."
    ),
}


def load_contacts() -> None:
    people = {u.name: u for u in User.objects.filter(name__in=CONTACTS)}
    for name, (addresses, numbers, notes) in CONTACTS.items():
        person = people.get(name)
        if person is None:
            continue
        ContactEmail.objects.bulk_create(ContactEmail(user=person, email=a) for a in addresses)
        ContactPhone.objects.bulk_create(ContactPhone(user=person, number=n) for n in numbers)
        person.notes = notes
        person.save(update_fields=["notes"])
    for name, notes in ORGANIZATION_NOTES.items():
        Organization.objects.filter(name=name).update(notes=notes)
