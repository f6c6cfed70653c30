# ruff: noqa: E501, SIM905  (word lists: one line per language)
"""Knowledge-base search and suggestions with 10,000 articles, each in five languages
(KB3 target: p95 ≤ 50 ms), through the real pages with Django's test client.

`python -m bench` runs it after the desk scenarios; alone: `python -m bench.kb`
(`--database-url`, `--samples`, `--warmup` as for the whole bench)."""

from __future__ import annotations

import argparse
import random

from bench import database
from bench.measure import Figure, sample

ARTICLES = 10_000
PREFIX = "bench-kb-"
TARGET_MS = 50.0
LANGUAGES = ("en", "ru", "ro", "pl", "fa")
WORDS = {
    "en": "account password invoice printer refund network email login error update export report order delivery contract backup screen driver license payment".split(),
    "ru": "аккаунт пароль счёт принтер возврат сеть почта вход ошибка обновление экспорт отчёт заказ доставка договор копия экран драйвер лицензия оплата".split(),
    "ro": "cont parolă factură imprimantă rambursare rețea email autentificare eroare actualizare export raport comandă livrare contract copie ecran driver licență plată".split(),
    "pl": "konto hasło faktura drukarka zwrot sieć poczta logowanie błąd aktualizacja eksport raport zamówienie dostawa umowa kopia ekran sterownik licencja płatność".split(),
    "fa": "حساب رمز فاکتور چاپگر بازپرداخت شبکه ایمیل ورود خطا بهروزرسانی خروجی گزارش سفارش تحویل قرارداد پشتیبان صفحه درایور مجوز پرداخت".split(),
}  # fmt: skip
QUERIES = {
    "en": ["printer error", "password", "refund order", "export report", "vpn"],
    "ru": ["принтер ошибка", "пароль", "возврат заказ"],
    "fa": ["چاپگر خطا", "رمز", "بازپرداخت سفارش"],
}


def seed() -> None:
    """10,000 published articles, each in the five languages (50,000 texts); kept between runs."""
    from django.db import connection, transaction

    from relaydesk.kb.models import Article, KbCategory, Translation
    from relaydesk.kb.render import render, search_text

    if Article.objects.filter(slug__startswith=PREFIX).count() == ARTICLES:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE kb_article, kb_translation")
        return
    rng = random.Random(4)
    print(f"Seeding {ARTICLES:,} knowledge-base articles in {len(LANGUAGES)} languages …")
    with transaction.atomic():
        Article.objects.filter(slug__startswith=PREFIX).delete()
        categories = [
            KbCategory.objects.get_or_create(slug=f"{PREFIX}{n}", defaults={"name": f"Bench {n}"})[
                0
            ]
            for n in range(10)
        ]
        articles = Article.objects.bulk_create(
            Article(
                slug=f"{PREFIX}{n}",
                category=categories[n % 10],
                visibility="published" if n % 10 else "internal",
                helpful_yes=rng.randint(0, 50),
            )
            for n in range(ARTICLES)
        )
        rows = []
        for article in articles:
            for language in LANGUAGES:
                vocabulary = WORDS[language]
                title = " ".join(rng.choices(vocabulary, k=4)).capitalize()
                body = "\n\n".join(" ".join(rng.choices(vocabulary, k=25)) + "." for _ in range(4))
                html = render(body)
                rows.append(
                    Translation(
                        article=article,
                        language=language,
                        title=title,
                        body=body,
                        body_html=html,
                        search_text=search_text(title, html),
                    )
                )
        Translation.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give them
        cursor.execute("ANALYZE kb_article, kb_translation")


def figures(samples: int, warmup: int) -> list[Figure]:
    from django.test import Client, override_settings

    seed()
    client = Client()
    found: list[Figure] = []
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        for language, queries in QUERIES.items():
            for page in ("search", "suggest"):
                url = f"/kb/{page}/"

                def call(
                    k: int, url: str = url, queries: list[str] = queries, language: str = language
                ) -> None:
                    response = client.get(
                        url, {"q": queries[k % len(queries)]}, HTTP_ACCEPT_LANGUAGE=language
                    )
                    assert response.status_code == 200, response.status_code

                name = f"kb {page} ({language}, {ARTICLES:,} articles × 5 languages)"
                figure = sample(name, call, samples=samples, warmup=warmup, target_ms=TARGET_MS)
                print(f"  {figure.name:<52} p95 {figure.p95_ms:7.1f} ms", flush=True)
                found.append(figure)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.kb", description=__doc__)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()
    url = database.configure(args.database_url)
    import django

    django.setup()
    from django.core.management import call_command

    from bench.measure import table

    call_command("collectstatic", interactive=False, verbosity=0)
    database.ensure(url)
    call_command("migrate", verbosity=0)
    print(table(figures(args.samples, args.warmup)))


if __name__ == "__main__":
    main()
