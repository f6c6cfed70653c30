"""Who works and who asks in the demo workspace. Every address is under example.com or
example.org (reserved names, RFC 2606): nothing the demo does can reach a real person."""

from __future__ import annotations

from dataclasses import dataclass

from relaydesk.accounts.models import Access, Role


@dataclass(frozen=True)
class Staff:
    email: str
    name: str
    role: str
    password: str
    memberships: tuple[tuple[str, str], ...] = ()  # (department, access)


@dataclass(frozen=True)
class Customer:
    local: str  # the part of the address before "@"
    name: str
    language: str
    timezone: str
    organization: str = ""


DEPARTMENTS = {
    "Support": "support@example.com",
    "Sales": "sales@example.com",
    "Billing": "billing@example.com",
}

# Only the three fixed logins and "demo" are hashed: hashing is the slow part of seeding.
STAFF = (
    Staff("admin@example.com", "Alex Morgan", Role.ADMIN, "admin"),
    Staff("agent@example.com", "Anna Novak", Role.AGENT, "agent", (("Support", Access.FULL),)),
    Staff(
        "supervisor@example.com",
        "Dmitri Volkov",
        Role.SUPERVISOR,
        "demo",
        (("Support", Access.FULL), ("Sales", Access.FULL), ("Billing", Access.FULL)),
    ),
    Staff(
        "ioana@example.com",
        "Ioana Popescu",
        Role.AGENT,
        "demo",
        (("Support", Access.FULL), ("Billing", Access.READ)),
    ),
    Staff(
        "reza@example.com",
        "Reza Karimi",
        Role.AGENT,
        "demo",
        (("Sales", Access.FULL), ("Support", Access.FULL)),
    ),
    Staff(
        "emily@example.com",
        "Emily Clarke",
        Role.AGENT,
        "demo",
        (("Billing", Access.FULL), ("Sales", Access.FULL)),
    ),
)

CUSTOMER_LOGIN = ("customer@example.com", "customer")

# name → email domains (the first one is where its members' addresses live)
ORGANIZATIONS = {
    "Northwind Trading": "northwind.example.com",
    "Carpathia Logistics": "carpathia.example.org,carpathia.example.com",
}

PHONE_PREFIXES = {
    "en": "+44 20 7946",
    "ru": "+7 495 555",
    "ro": "+40 21 555",
    "pl": "+48 22 555",
    "fa": "+98 21 5555",
}

CUSTOMERS = (
    Customer("customer", "Chris Taylor", "en", "Europe/London"),
    Customer("olivia.bennett", "Olivia Bennett", "en", "Europe/London"),
    Customer("james.whitaker", "James Whitaker", "en", "Europe/London", "Northwind Trading"),
    Customer("sophie.turner", "Sophie Turner", "en", "Europe/London", "Northwind Trading"),
    Customer("daniel.hughes", "Daniel Hughes", "en", "Europe/London", "Northwind Trading"),
    Customer("emma.collins", "Emma Collins", "en", "Europe/London"),
    Customer("liam.oconnor", "Liam O'Connor", "en", "Europe/Dublin"),
    Customer("grace.mitchell", "Grace Mitchell", "en", "America/New_York"),
    Customer("noah.fraser", "Noah Fraser", "en", "Europe/London"),
    Customer("hannah.price", "Hannah Price", "en", "Europe/London"),
    Customer("ivan.petrov", "Иван Петров", "ru", "Europe/Moscow"),
    Customer("maria.smirnova", "Мария Смирнова", "ru", "Europe/Moscow"),
    Customer("alexey.kuznetsov", "Алексей Кузнецов", "ru", "Europe/Moscow", "Northwind Trading"),
    Customer("ekaterina.volkova", "Екатерина Волкова", "ru", "Asia/Yekaterinburg"),
    Customer("dmitry.sokolov", "Дмитрий Соколов", "ru", "Europe/Moscow"),
    Customer("olga.lebedeva", "Ольга Лебедева", "ru", "Asia/Novosibirsk"),
    Customer("sergey.morozov", "Сергей Морозов", "ru", "Europe/Moscow"),
    Customer("natalia.kozlova", "Наталья Козлова", "ru", "Europe/Moscow"),
    Customer("andrey.novikov", "Андрей Новиков", "ru", "Europe/Moscow"),
    Customer("tatiana.egorova", "Татьяна Егорова", "ru", "Europe/Moscow"),
    Customer("andrei.popescu", "Andrei Popescu", "ro", "Europe/Bucharest", "Carpathia Logistics"),
    Customer("elena.ionescu", "Elena Ionescu", "ro", "Europe/Bucharest", "Carpathia Logistics"),
    Customer(
        "mihai.dumitrescu", "Mihai Dumitrescu", "ro", "Europe/Bucharest", "Carpathia Logistics"
    ),
    Customer("ioana.stan", "Ioana Stan", "ro", "Europe/Bucharest"),
    Customer("alexandru.georgescu", "Alexandru Georgescu", "ro", "Europe/Bucharest"),
    Customer("maria.constantin", "Maria Constantin", "ro", "Europe/Chisinau"),
    Customer("cristina.marin", "Cristina Marin", "ro", "Europe/Bucharest"),
    Customer("bogdan.stoica", "Bogdan Stoica", "ro", "Europe/Bucharest"),
    Customer("raluca.munteanu", "Raluca Munteanu", "ro", "Europe/Bucharest"),
    Customer("vlad.tudor", "Vlad Tudor", "ro", "Europe/Bucharest"),
    Customer("piotr.nowak", "Piotr Nowak", "pl", "Europe/Warsaw", "Carpathia Logistics"),
    Customer("anna.wisniewska", "Anna Wiśniewska", "pl", "Europe/Warsaw"),
    Customer("krzysztof.wojcik", "Krzysztof Wójcik", "pl", "Europe/Warsaw"),
    Customer("agnieszka.kowalczyk", "Agnieszka Kowalczyk", "pl", "Europe/Warsaw"),
    Customer("tomasz.kaminski", "Tomasz Kamiński", "pl", "Europe/Warsaw"),
    Customer("magdalena.lewandowska", "Magdalena Lewandowska", "pl", "Europe/Warsaw"),
    Customer("pawel.zielinski", "Paweł Zieliński", "pl", "Europe/Warsaw"),
    Customer("katarzyna.szymanska", "Katarzyna Szymańska", "pl", "Europe/Warsaw"),
    Customer("michal.wozniak", "Michał Woźniak", "pl", "Europe/Warsaw"),
    Customer("joanna.dabrowska", "Joanna Dąbrowska", "pl", "Europe/Warsaw"),
    Customer("maryam.ahmadi", "مریم احمدی", "fa", "Asia/Tehran"),
    Customer("ali.rezaei", "علی رضایی", "fa", "Asia/Tehran"),
    Customer("zahra.hosseini", "زهرا حسینی", "fa", "Asia/Tehran"),
    Customer("mohammad.karimi", "محمد کریمی", "fa", "Asia/Tehran"),
    Customer("fatemeh.mousavi", "فاطمه موسوی", "fa", "Asia/Tehran"),
    Customer("hossein.jafari", "حسین جعفری", "fa", "Asia/Tehran"),
    Customer("sara.mohammadi", "سارا محمدی", "fa", "Asia/Tehran"),
    Customer("reza.sadeghi", "رضا صادقی", "fa", "Asia/Tehran"),
    Customer("narges.rahimi", "نرگس رحیمی", "fa", "Asia/Tehran"),
    Customer("amir.tehrani", "امیر تهرانی", "fa", "Asia/Tehran"),
)
