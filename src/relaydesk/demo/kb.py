# ruff: noqa: E501  (article texts: one line per language reads best)
"""Demo knowledge base: categories and articles in the five languages, one internal and one
draft, with views and votes as if readers had used them."""

from __future__ import annotations

import random

from relaydesk.accounts.models import Role, User
from relaydesk.kb import services
from relaydesk.kb.models import Article, KbCategory, Visibility

CATEGORIES = {
    "account": ("Account and sign-in", {"ru": "Аккаунт и вход", "ro": "Cont și autentificare", "pl": "Konto i logowanie", "fa": "حساب و ورود"}),
    "billing": ("Billing", {"ru": "Оплата", "ro": "Facturare", "pl": "Płatności", "fa": "صورتحساب"}),
    "printing": ("Printers and devices", {"ru": "Принтеры и устройства", "ro": "Imprimante și dispozitive", "pl": "Drukarki i urządzenia", "fa": "چاپگرها و دستگاه‌ها"}),
}  # fmt: skip

# slug: (category, visibility, {language: (title, Markdown)})
ARTICLES: dict[str, tuple[str, str, dict[str, tuple[str, str]]]] = {
    "reset-your-password": ("account", Visibility.PUBLISHED, {
        "en": ("Reset your password", "1. Open **Sign in** and choose *Forgot your password?*\n2. Enter your email address.\n3. Open the link in the email within three days and choose a new password.\n\nNo email after a few minutes? Check the spam folder, or [open a request](/requests/new/)."),
        "ru": ("Сброс пароля", "1. Откройте **Вход** и выберите *Забыли пароль?*\n2. Введите адрес электронной почты.\n3. Откройте ссылку из письма в течение трёх дней и задайте новый пароль.\n\nПисьма нет через несколько минут? Проверьте папку «Спам» или [создайте обращение](/requests/new/)."),
        "ro": ("Resetați parola", "1. Deschideți **Autentificare** și alegeți *Ați uitat parola?*\n2. Introduceți adresa de e-mail.\n3. Deschideți linkul din e-mail în trei zile și alegeți o parolă nouă.\n\nNu a sosit e-mailul? Verificați dosarul spam sau [deschideți o solicitare](/requests/new/)."),
        "pl": ("Resetowanie hasła", "1. Otwórz **Zaloguj się** i wybierz *Nie pamiętasz hasła?*\n2. Wpisz adres e-mail.\n3. Otwórz link z wiadomości w ciągu trzech dni i ustaw nowe hasło.\n\nBrak wiadomości? Sprawdź folder spam lub [utwórz zgłoszenie](/requests/new/)."),
        "fa": ("بازنشانی رمز عبور", "۱. صفحهٔ **ورود** را باز کنید و *رمز عبور را فراموش کرده‌اید؟* را بزنید.\n۲. نشانی ایمیل خود را وارد کنید.\n۳. پیوند ایمیل را ظرف سه روز باز کنید و رمز تازه‌ای بگذارید.\n\nایمیلی نرسید؟ پوشهٔ هرزنامه را ببینید یا [درخواست تازه‌ای ثبت کنید](/requests/new/)."),
    }),
    "sign-in-with-a-link": ("account", Visibility.PUBLISHED, {
        "en": ("Sign in without a password", "Choose **Email me a sign-in link** on the sign-in page. The link works **once** and for **15 minutes**."),
        "ru": ("Вход без пароля", "На странице входа выберите **Прислать ссылку для входа**. Ссылка действует **один раз** и **15 минут**."),
        "ro": ("Autentificare fără parolă", "Alegeți **Trimiteți-mi un link** pe pagina de autentificare. Linkul funcționează **o singură dată**, **15 minute**."),
        "pl": ("Logowanie bez hasła", "Na stronie logowania wybierz **Wyślij link do logowania**. Link działa **raz** i przez **15 minut**."),
        "fa": ("ورود بدون رمز عبور", "در صفحهٔ ورود **پیوند ورود را برایم ایمیل کن** را بزنید. پیوند **یک بار** و تا **۱۵ دقیقه** کار می‌کند."),
    }),
    "wrong-vat-number-on-invoice": ("billing", Visibility.PUBLISHED, {
        "en": ("Wrong VAT number on an invoice", "We reissue the invoice within two working days. Write the **invoice number** and the **correct VAT number** in a request.\n\n| Document | Who corrects it |\n|---|---|\n| Invoice | Billing team |\n| Contract | Sales team |"),
        "ru": ("Неверный ИНН в счёте", "Мы перевыставим счёт в течение двух рабочих дней. Укажите в обращении **номер счёта** и **правильный ИНН**."),
        "ro": ("Cod fiscal greșit pe factură", "Reemitem factura în două zile lucrătoare. Scrieți în solicitare **numărul facturii** și **codul fiscal corect**."),
        "pl": ("Błędny NIP na fakturze", "Wystawimy fakturę korygującą w ciągu dwóch dni roboczych. Podaj w zgłoszeniu **numer faktury** i **poprawny NIP**."),
        "fa": ("شمارهٔ مالیاتی نادرست در فاکتور", "فاکتور را ظرف دو روز کاری دوباره صادر می‌کنیم. **شمارهٔ فاکتور** و **شمارهٔ مالیاتی درست** را در درخواست بنویسید."),
    }),
    "printer-error-e03": ("printing", Visibility.PUBLISHED, {
        "en": ("Printer shows error E-03", "E-03 means the paper path is blocked.\n\n1. Switch the printer off.\n2. Open the rear cover and remove any paper.\n3. Switch it on and print a test page.\n\n```\nMenu › Maintenance › Test page\n```"),
        "ru": ("Принтер показывает ошибку E-03", "E-03 означает, что тракт бумаги заблокирован.\n\n1. Выключите принтер.\n2. Откройте заднюю крышку и извлеките бумагу.\n3. Включите принтер и напечатайте тестовую страницу."),
        "ro": ("Imprimanta afișează eroarea E-03", "E-03 înseamnă că traseul hârtiei este blocat.\n\n1. Opriți imprimanta.\n2. Deschideți capacul din spate și scoateți hârtia.\n3. Porniți-o și tipăriți o pagină de test."),
        "pl": ("Drukarka pokazuje błąd E-03", "E-03 oznacza zablokowaną ścieżkę papieru.\n\n1. Wyłącz drukarkę.\n2. Otwórz tylną pokrywę i wyjmij papier.\n3. Włącz ją i wydrukuj stronę testową."),
        "fa": ("خطای E-03 در چاپگر", "E-03 یعنی مسیر کاغذ بسته شده است.\n\n۱. چاپگر را خاموش کنید.\n۲. درِ پشتی را باز کنید و کاغذ را بیرون بیاورید.\n۳. روشنش کنید و یک صفحهٔ آزمایشی چاپ کنید."),
    }),
    "refunds-for-agents": ("billing", Visibility.INTERNAL, {
        "en": ("Refunds: how agents approve them", "Refunds up to 200 EUR: approve in the billing tool and add an internal note. Above: transfer to **Billing** with the order number."),
        "ru": ("Возвраты: как их одобряют агенты", "Возвраты до 200 EUR одобряйте в биллинге и оставляйте внутреннюю заметку. Больше — передайте в отдел **Billing** с номером заказа."),
    }),
    "new-printer-models": ("printing", Visibility.DRAFT, {
        "en": ("New printer models (draft)", "Coming soon: the list of supported models."),
    }),
}  # fmt: skip


def load_kb(rng: random.Random) -> int:
    author = User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    assert author is not None
    categories = {}
    for position, (slug, (name, names)) in enumerate(CATEGORIES.items()):
        categories[slug] = KbCategory.objects.create(
            slug=slug, name=name, names=names, position=position
        )
    for slug, (category, visibility, texts) in ARTICLES.items():
        article = None
        for language, (title, body) in texts.items():
            article = services.save_article(
                actor=author,
                article=article,
                category=categories[category],
                slug=slug,
                visibility=visibility,
                language=language,
                title=title,
                body=body,
            )
        if visibility == Visibility.PUBLISHED:
            views = rng.randint(40, 400)
            yes = rng.randint(views // 10, views // 4)
            Article.objects.filter(slug=slug).update(
                views=views, helpful_yes=yes, helpful_no=rng.randint(0, yes // 3)
            )
    return len(ARTICLES)
