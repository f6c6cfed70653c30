"""The demo's conversations, written natively in each customer's language.

`{customer}` is the customer's first name and `{agent}` the agent's; a script that would sound
stiff with a bare first name (Polish business mail) simply leaves it out.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Script:
    subject: str
    opening: str  # the customer's first message
    reply: str  # the agent's first public reply
    note: str  # an internal note between agents
    answer: str  # the customer's answer
    closing: str  # the agent's last reply when the ticket is solved


@dataclass(frozen=True)
class Scenario:
    key: str
    department: str
    ticket_type: str
    category: tuple[str, str]
    tags: tuple[str, ...]
    product: str | None


SCENARIOS = (
    Scenario(
        "printer", "Support", "Incident", ("Hardware", "Printers"), ("hardware",), "P300 printer"
    ),
    Scenario("invoice", "Billing", "Question", ("Billing", "Invoices"), ("invoice",), None),
    Scenario("delivery", "Sales", "Problem", ("Orders", "Delivery"), ("delivery",), "R5 router"),
    Scenario(
        "password", "Support", "Incident", ("Accounts", "Password"), ("login",), "Cloud Business"
    ),
    Scenario(
        "refund", "Billing", "Refund request", ("Billing", "Refunds"), ("refund",), "R5 router"
    ),
    Scenario("bug", "Support", "Problem", ("Product", "Bugs"), ("bug",), "Cloud Business"),
    Scenario(
        "feature", "Sales", "Question", ("Product", "Features"), ("presales",), "Cloud Business"
    ),
)

TRANSFER_NOTES = {
    "en": "Moving this to the right team — please take it from here.",
    "ru": "Передаю в профильный отдел — возьмите, пожалуйста, в работу.",
    "ro": "Mut solicitarea la echipa potrivită — vă rog s-o preluați.",
    "pl": "Przekazuję do właściwego działu — proszę przejąć zgłoszenie.",
    "fa": "به بخش مربوط منتقل می‌کنم؛ لطفاً پیگیری کنید.",
}

SCRIPTS: dict[str, dict[str, Script]] = {
    "en": {
        "printer": Script(
            "Printer shows error E-03 after the first page",
            "Hello,\n\nsince this morning our P300 printer stops after the first page and shows "
            "error E-03. We already switched it off and on again, no luck. We have a deadline "
            "today — could you help?\n\nThanks,\n{customer}",
            "Hi {customer},\n\nsorry for the trouble. E-03 usually means the fuser unit is "
            "overheating. Please open the rear cover, check that no paper is stuck near the "
            "rollers and leave the printer off for 15 minutes. Does the error come back after "
            "that?\n\nBest regards,\n{agent}",
            "Third E-03 this month from the same batch of P300s. If the cooldown doesn't help we "
            "ship a replacement fuser under warranty.",
            "There was a torn piece of paper behind the rollers. After removing it the printer "
            "works again. Thank you!",
            "Great to hear, {customer}! I'm marking this as solved — just reply if the error shows "
            "up again.\n\n{agent}",
        ),
        "invoice": Script(
            "Wrong VAT number on our invoice",
            "Hi,\n\nour latest invoice shows our old VAT number, so our accounting department "
            "can't book it. Could you please issue a corrected invoice?\n\nKind regards,\n"
            "{customer}",
            "Hello {customer},\n\nthank you for pointing this out. Could you send us the correct "
            "VAT number and the invoice number? We will reissue the invoice the same day.\n\n"
            "{agent}",
            "The customer record still has the old VAT number — update it in billing too, not "
            "only on the invoice.",
            "The VAT number is GB 284 1937 55, and it's the invoice from last Monday.",
            "Done — the corrected invoice is in your account and the old one is cancelled. Sorry "
            "for the inconvenience!\n\n{agent}",
        ),
        "delivery": Script(
            "Order still not delivered",
            "Hello,\n\nI ordered two routers ten days ago and the tracking page still says "
            '"label created". Delivery was promised within five days. Where is my order?\n\n'
            "{customer}",
            "Hi {customer},\n\nI checked with the warehouse: your parcel was held back because one "
            "router was out of stock. It left us this morning, so you should have it within two "
            "working days. I'm sorry for the delay.\n\n{agent}",
            "Warehouse confirms the stock shortage. If it slips again, offer free shipping on the "
            "next order.",
            "Thanks for checking. The tracking number works now.",
            "The courier shows the parcel as delivered. Enjoy your new routers, {customer}!\n\n"
            "{agent}",
        ),
        "password": Script(
            "Can't log in — password reset email never arrives",
            "Hi, I've requested a password reset three times but the email never arrives "
            "(checked spam too). I need to get into my account today.\n{customer}",
            "Hello {customer},\n\nour logs show that your mail server rejected the reset messages "
            "as bulk mail. I've sent a new link from our support address — please check your "
            "inbox now. The link is valid for one hour.\n\n{agent}",
            "Their mail server rejects our noreply sender. Asked them to allow-list it; the new "
            "link went out from support@.",
            "Got it this time and I'm back in. Thanks!",
            "Glad it worked, {customer}. Closing this one.\n\n{agent}",
        ),
        "refund": Script(
            "Refund for a returned router",
            "Hello,\n\nI sent back a router two weeks ago (the return was accepted), but the "
            "refund hasn't reached my card yet. Could you check, please?\n\nBest,\n{customer}",
            "Hi {customer},\n\nthe return arrived and was approved on our side. Card refunds take "
            "5–7 working days after approval; I've asked our billing team to confirm the transfer "
            "date and will get back to you.\n\n{agent}",
            "Refund stuck in 'approved' — Friday's payment batch failed. Asked finance to re-run "
            "it.",
            "OK, thank you. Please let me know once it has been sent.",
            "The refund went out today; you should see it on your card within a few days. Thank "
            "you for your patience!\n\n{agent}",
        ),
        "bug": Script(
            "Export to Excel produces an empty file",
            "Hello support,\n\nwhen I export the monthly report to Excel, the file downloads but "
            "is empty (0 rows). CSV export works fine. Browser: Firefox 128 on Windows 11.\n\n"
            "{customer}",
            "Hi {customer},\n\nthanks for the detailed report — we can reproduce it with reports "
            "that include archived projects, and our developers are on it. Until the fix is out, "
            'please use the CSV export or untick "include archived".\n\n{agent}',
            "Reproduced. Filed a bug: the XLSX writer drops rows when an archived project has no "
            "owner.",
            "The workaround does the job for now, thanks. Please tell me when the fix is live.",
            "The fix was released this morning — Excel export now includes all rows. Thanks again "
            "for reporting it!\n\n{agent}",
        ),
        "feature": Script(
            "Do you support single sign-on?",
            "Hi,\n\nwe're evaluating your cloud plan for a team of 40 people. Does it support "
            "single sign-on with Microsoft Entra ID, and is that included in the Business tier?\n\n"
            "Regards,\n{customer}",
            "Hello {customer},\n\nyes — SAML single sign-on with Entra ID is part of the Business "
            "tier at no extra cost. I can set up a 30-day trial with SSO enabled for your team if "
            "you like.\n\n{agent}",
            "Possible 40-seat deal. Loop in the sales lead if they take the trial.",
            "A trial would be great, please set it up for our domain.",
            "Your trial is ready — the invitation went to your address. Let me know if you need "
            "a hand with the Entra ID setup.\n\n{agent}",
        ),
    },
    "ru": {
        "printer": Script(
            "Принтер выдаёт ошибку E-03 после первой страницы",
            "Здравствуйте!\n\nС утра наш принтер P300 останавливается после первой страницы и "
            "показывает ошибку E-03. Выключали и включали — не помогло. Сегодня сдаём отчёт, "
            "помогите, пожалуйста.\n\nСпасибо,\n{customer}",
            "Здравствуйте, {customer}!\n\nИзвините за неудобства. Ошибка E-03 обычно означает "
            "перегрев блока термозакрепления. Откройте, пожалуйста, заднюю крышку, проверьте, не "
            "застряла ли бумага у валиков, и оставьте принтер выключенным на 15 минут. Ошибка "
            "повторяется после этого?\n\nС уважением,\n{agent}",
            "Уже третий случай E-03 за месяц в этой партии P300. Если не поможет — отправляем "
            "новый блок термозакрепления по гарантии.",
            "За валиками действительно застрял обрывок бумаги. Убрали — принтер снова печатает. "
            "Большое спасибо!",
            "Отлично, {customer}! Отмечаю обращение как решённое. Если ошибка вернётся, просто "
            "ответьте на это письмо.\n\n{agent}",
        ),
        "invoice": Script(
            "Неверный ИНН в счёте",
            "Добрый день!\n\nВ последнем счёте указан старый ИНН нашей компании, бухгалтерия не "
            "может его провести. Пришлите, пожалуйста, исправленный счёт.\n\nС уважением,\n"
            "{customer}",
            "Добрый день, {customer}!\n\nСпасибо, что сообщили. Пришлите, пожалуйста, правильный "
            "ИНН и номер счёта — мы перевыставим его в тот же день.\n\n{agent}",
            "В карточке клиента всё ещё старый ИНН — поправить и в биллинге, не только в счёте.",
            "ИНН 7701234567, счёт от прошлого понедельника.",
            "Готово: исправленный счёт доступен в личном кабинете, старый аннулирован. Приносим "
            "извинения за неудобства!\n\n{agent}",
        ),
        "delivery": Script(
            "Заказ до сих пор не доставлен",
            "Здравствуйте!\n\nДесять дней назад мы заказали два роутера, а на странице "
            "отслеживания всё ещё «Заказ оформлен». Обещали доставку за пять дней. Где наш "
            "заказ?\n\n{customer}",
            "Здравствуйте, {customer}!\n\nМы уточнили на складе: посылку задержали, потому что "
            "одного роутера не было в наличии. Сегодня утром заказ отправлен, в течение двух "
            "рабочих дней он будет у вас. Приносим извинения за задержку.\n\n{agent}",
            "Склад подтвердил нехватку на остатках. Если опять сорвётся — предложить бесплатную "
            "доставку следующего заказа.",
            "Спасибо, что разобрались. Трек-номер теперь работает.",
            "Курьерская служба показывает, что посылка доставлена. Пусть роутеры служат долго, "
            "{customer}!\n\n{agent}",
        ),
        "password": Script(
            "Не могу войти: письмо для сброса пароля не приходит",
            "Здравствуйте! Уже трижды запрашиваю сброс пароля, но письмо не приходит (папку "
            "«Спам» проверяю). Доступ к аккаунту нужен сегодня.\n{customer}",
            "Здравствуйте, {customer}!\n\nПо нашим журналам, ваш почтовый сервер отклонил письма "
            "для сброса как массовую рассылку. Мы отправили новую ссылку с адреса поддержки — "
            "проверьте, пожалуйста, входящие. Ссылка действует один час.\n\n{agent}",
            "Их почтовый сервер отклоняет наш noreply-адрес. Попросили добавить его в белый "
            "список; новая ссылка ушла с support@.",
            "В этот раз письмо пришло, вход работает. Спасибо!",
            "Рады, что всё получилось, {customer}. Закрываю обращение.\n\n{agent}",
        ),
        "refund": Script(
            "Возврат денег за возвращённый роутер",
            "Здравствуйте!\n\nДве недели назад мы отправили роутер обратно (возврат приняли), но "
            "деньги на карту так и не пришли. Проверьте, пожалуйста.\n\n{customer}",
            "Здравствуйте, {customer}!\n\nВозврат получен и одобрен с нашей стороны. Деньги на "
            "карту поступают в течение 5–7 рабочих дней после одобрения; мы попросили бухгалтерию "
            "подтвердить дату перевода и сообщим вам.\n\n{agent}",
            "Возврат завис в статусе «одобрен» — пятничный платёжный пакет не прошёл. Попросили "
            "финансы перезапустить.",
            "Хорошо, спасибо. Сообщите, пожалуйста, когда деньги будут отправлены.",
            "Сегодня деньги отправлены, в ближайшие дни они поступят на карту. Спасибо за "
            "терпение!\n\n{agent}",
        ),
        "bug": Script(
            "Выгрузка в Excel создаёт пустой файл",
            "Добрый день!\n\nПри выгрузке месячного отчёта в Excel файл скачивается, но он пустой "
            "(0 строк). Выгрузка в CSV работает нормально. Браузер: Firefox 128, Windows 11.\n\n"
            "{customer}",
            "Добрый день, {customer}!\n\nСпасибо за подробное описание — ошибка воспроизводится на "
            "отчётах с архивными проектами, разработчики уже занимаются ею. Пока исправление не "
            "вышло, используйте выгрузку в CSV или снимите галочку «включая архивные».\n\n{agent}",
            "Воспроизвели. Заведён баг: XLSX-выгрузка теряет строки, если у архивного проекта нет "
            "владельца.",
            "Обходной путь пока работает, спасибо. Сообщите, когда выйдет исправление.",
            "Исправление выпущено сегодня утром — выгрузка в Excel снова содержит все строки. "
            "Спасибо, что сообщили об ошибке!\n\n{agent}",
        ),
        "feature": Script(
            "Есть ли у вас единый вход (SSO)?",
            "Здравствуйте!\n\nМы рассматриваем ваш облачный тариф для команды из 40 человек. "
            "Поддерживается ли единый вход через Microsoft Entra ID и входит ли он в тариф "
            "«Бизнес»?\n\nС уважением,\n{customer}",
            "Здравствуйте, {customer}!\n\nДа, единый вход по SAML через Entra ID доступен в тарифе "
            "«Бизнес» без доплаты. Если хотите, подключим вашей команде пробный период на 30 дней "
            "с включённым SSO.\n\n{agent}",
            "Потенциальная сделка на 40 мест. Если согласятся на пробный период — подключить "
            "руководителя отдела продаж.",
            "Пробный период — отлично, подключите, пожалуйста, для нашего домена.",
            "Пробный период активирован, приглашение отправлено на ваш адрес. Если понадобится "
            "помощь с настройкой Entra ID — пишите.\n\n{agent}",
        ),
    },
    "ro": {
        "printer": Script(
            "Imprimanta afișează eroarea E-03 după prima pagină",
            "Bună ziua,\n\nde azi-dimineață imprimanta noastră P300 se oprește după prima pagină "
            "și afișează eroarea E-03. Am oprit-o și am pornit-o din nou, fără rezultat. Avem un "
            "termen de predare azi — ne puteți ajuta?\n\nMulțumesc,\n{customer}",
            "Bună ziua, {customer},\n\nne pare rău pentru neplăcere. Eroarea E-03 înseamnă de "
            "obicei că unitatea de fixare se supraîncălzește. Vă rog să deschideți capacul din "
            "spate, să verificați dacă nu s-a blocat hârtie lângă role și să lăsați imprimanta "
            "oprită 15 minute. Mai apare eroarea după aceea?\n\nCu stimă,\n{agent}",
            "Al treilea E-03 luna aceasta din același lot de P300. Dacă răcirea nu ajută, trimitem "
            "o unitate de fixare nouă în garanție.",
            "Era o bucată de hârtie ruptă în spatele rolelor. După ce am scos-o, imprimanta merge "
            "din nou. Mulțumesc!",
            "Mă bucur să aud asta, {customer}! Marchez solicitarea ca rezolvată — dacă eroarea "
            "reapare, răspundeți simplu la acest mesaj.\n\n{agent}",
        ),
        "invoice": Script(
            "Cod fiscal greșit pe factură",
            "Bună ziua,\n\npe ultima factură apare vechiul nostru cod fiscal (CUI), iar "
            "contabilitatea nu o poate înregistra. Ne puteți emite, vă rog, o factură corectată?"
            "\n\nCu stimă,\n{customer}",
            "Bună ziua, {customer},\n\nvă mulțumim că ne-ați semnalat. Ne puteți trimite CUI-ul "
            "corect și numărul facturii? Refacem factura în aceeași zi.\n\n{agent}",
            "În fișa clientului e încă CUI-ul vechi — de actualizat și în facturare, nu doar pe "
            "factură.",
            "CUI-ul este RO18547290, iar factura este cea de lunea trecută.",
            "Gata — factura corectată este disponibilă în contul dumneavoastră, iar cea veche a "
            "fost stornată. Ne cerem scuze pentru neplăcere!\n\n{agent}",
        ),
        "delivery": Script(
            "Comanda încă nu a fost livrată",
            "Bună ziua,\n\nam comandat două routere acum zece zile, iar pagina de urmărire arată "
            "în continuare „AWB generat”. Livrarea era promisă în cinci zile. Unde este "
            "comanda?\n\n{customer}",
            "Bună ziua, {customer},\n\nam verificat cu depozitul: coletul a fost reținut pentru că "
            "unul dintre routere nu era pe stoc. A plecat azi-dimineață și ar trebui să ajungă la "
            "dumneavoastră în două zile lucrătoare. Ne pare rău pentru întârziere.\n\n{agent}",
            "Depozitul confirmă lipsa din stoc. Dacă se mai amână, oferim transport gratuit la "
            "următoarea comandă.",
            "Mulțumesc că ați verificat. Numărul AWB funcționează acum.",
            "Curierul arată coletul ca livrat. Spor la lucru cu noile routere, {customer}!\n\n"
            "{agent}",
        ),
        "password": Script(
            "Nu mă pot autentifica — e-mailul de resetare a parolei nu sosește",
            "Bună ziua, am cerut de trei ori resetarea parolei, dar e-mailul nu ajunge (am "
            "verificat și folderul spam). Am nevoie de acces la cont chiar azi.\n{customer}",
            "Bună ziua, {customer},\n\njurnalele noastre arată că serverul dumneavoastră de e-mail "
            "a respins mesajele de resetare ca fiind trimiteri în masă. V-am trimis un link nou de "
            "pe adresa de suport — vă rog să verificați acum căsuța de e-mail. Linkul este valabil "
            "o oră.\n\n{agent}",
            "Serverul lor de e-mail respinge expeditorul noreply. Le-am cerut să-l pună pe lista "
            "albă; linkul nou a plecat de pe support@.",
            "De data asta a ajuns și am intrat în cont. Mulțumesc!",
            "Mă bucur că a funcționat, {customer}. Închid solicitarea.\n\n{agent}",
        ),
        "refund": Script(
            "Rambursare pentru un router returnat",
            "Bună ziua,\n\nam trimis înapoi un router acum două săptămâni (returul a fost "
            "acceptat), dar banii nu au ajuns încă pe card. Puteți verifica, vă rog?\n\n"
            "O zi bună,\n{customer}",
            "Bună ziua, {customer},\n\nreturul a ajuns și a fost aprobat. Rambursările pe card "
            "durează 5–7 zile lucrătoare de la aprobare; am rugat colegii de la facturare să "
            "confirme data transferului și revin cu un răspuns.\n\n{agent}",
            "Rambursarea a rămas în starea „aprobat” — lotul de plăți de vineri a eșuat. Am cerut "
            "celor de la financiar să-l ruleze din nou.",
            "Bine, mulțumesc. Vă rog să-mi spuneți când au fost trimiși banii.",
            "Rambursarea a fost trimisă azi; ar trebui să vedeți banii pe card în câteva zile. Vă "
            "mulțumim pentru răbdare!\n\n{agent}",
        ),
        "bug": Script(
            "Exportul în Excel generează un fișier gol",
            "Bună ziua,\n\ncând export raportul lunar în Excel, fișierul se descarcă, dar este gol "
            "(0 rânduri). Exportul CSV funcționează normal. Browser: Firefox 128 pe Windows 11.\n\n"
            "{customer}",
            "Bună ziua, {customer},\n\nmulțumim pentru descrierea detaliată — problema apare la "
            "rapoartele care includ proiecte arhivate, iar colegii din dezvoltare lucrează deja la "
            "ea. Până la remediere, folosiți exportul CSV sau debifați „include arhivate”.\n\n"
            "{agent}",
            "Reprodus. Bug înregistrat: exportul XLSX pierde rânduri când un proiect arhivat nu "
            "are proprietar.",
            "Soluția temporară merge deocamdată, mulțumesc. Anunțați-mă când remedierea e "
            "disponibilă.",
            "Remedierea a fost publicată azi-dimineață — exportul în Excel include acum toate "
            "rândurile. Mulțumim încă o dată că ne-ați semnalat!\n\n{agent}",
        ),
        "feature": Script(
            "Oferiți autentificare unică (SSO)?",
            "Bună ziua,\n\nevaluăm planul dumneavoastră cloud pentru o echipă de 40 de persoane. "
            "Suportă autentificare unică cu Microsoft Entra ID și este inclusă în planul "
            "Business?\n\nCu stimă,\n{customer}",
            "Bună ziua, {customer},\n\nda — autentificarea unică SAML cu Entra ID este disponibilă "
            "în planul Business fără cost suplimentar. Dacă doriți, vă pot configura o perioadă de "
            "probă de 30 de zile cu SSO activat pentru echipa dumneavoastră.\n\n{agent}",
            "Posibil contract pentru 40 de utilizatori. Dacă acceptă perioada de probă, îl "
            "implicăm pe șeful vânzărilor.",
            "O perioadă de probă ar fi excelentă, vă rog s-o configurați pentru domeniul nostru.",
            "Perioada de probă este activă — invitația a fost trimisă pe adresa dumneavoastră. "
            "Spuneți-mi dacă aveți nevoie de ajutor cu configurarea Entra ID.\n\n{agent}",
        ),
    },
    "pl": {
        "printer": Script(
            "Drukarka pokazuje błąd E-03 po pierwszej stronie",
            "Dzień dobry,\n\nod rana nasza drukarka P300 zatrzymuje się po pierwszej stronie i "
            "wyświetla błąd E-03. Wyłączaliśmy ją i włączaliśmy ponownie, bez skutku. Dziś mamy "
            "termin oddania dokumentów — czy mogą Państwo pomóc?\n\nDziękuję,\n{customer}",
            "Dzień dobry,\n\nprzepraszamy za kłopot. Błąd E-03 zwykle oznacza przegrzewanie się "
            "zespołu utrwalającego. Proszę otworzyć tylną pokrywę, sprawdzić, czy przy wałkach nie "
            "zaciął się papier, i zostawić drukarkę wyłączoną na 15 minut. Czy potem błąd pojawia "
            "się ponownie?\n\nPozdrawiam,\n{agent}",
            "Już trzeci E-03 w tym miesiącu z tej samej partii P300. Jeśli schłodzenie nie pomoże, "
            "wysyłamy nowy utrwalacz w ramach gwarancji.",
            "Za wałkami rzeczywiście był urwany kawałek papieru. Po jego wyjęciu drukarka znowu "
            "działa. Dziękuję!",
            "Świetna wiadomość! Oznaczam zgłoszenie jako rozwiązane — jeśli błąd wróci, wystarczy "
            "odpowiedzieć na tę wiadomość.\n\n{agent}",
        ),
        "invoice": Script(
            "Błędny NIP na fakturze",
            "Dzień dobry,\n\nna ostatniej fakturze jest stary NIP naszej firmy, przez co "
            "księgowość nie może jej zaksięgować. Proszę o wystawienie faktury korygującej.\n\n"
            "Z poważaniem,\n{customer}",
            "Dzień dobry,\n\ndziękujemy za zgłoszenie. Proszę przesłać prawidłowy NIP oraz numer "
            "faktury — korektę wystawimy jeszcze tego samego dnia.\n\n{agent}",
            "W kartotece klienta nadal stary NIP — poprawić też w systemie rozliczeń, nie tylko na "
            "fakturze.",
            "NIP: 525-000-12-34, chodzi o fakturę z zeszłego poniedziałku.",
            "Gotowe — faktura korygująca jest dostępna na Państwa koncie. Przepraszamy za "
            "utrudnienia!\n\n{agent}",
        ),
        "delivery": Script(
            "Zamówienie wciąż niedostarczone",
            "Dzień dobry,\n\ndziesięć dni temu zamówiliśmy dwa routery, a na stronie śledzenia "
            "przesyłki nadal widnieje „etykieta utworzona”. Dostawa miała nastąpić w ciągu pięciu "
            "dni. Co się dzieje z zamówieniem?\n\n{customer}",
            "Dzień dobry,\n\nsprawdziliśmy w magazynie: paczka została wstrzymana, bo jednego "
            "routera zabrakło na stanie. Wyszła dziś rano i powinna dotrzeć w ciągu dwóch dni "
            "roboczych. Przepraszamy za opóźnienie.\n\n{agent}",
            "Magazyn potwierdza brak na stanie. Jeśli znowu się opóźni — zaproponować darmową "
            "dostawę przy kolejnym zamówieniu.",
            "Dziękuję za sprawdzenie. Numer przesyłki już działa.",
            "Kurier potwierdza doręczenie paczki. Życzymy udanej pracy z nowymi routerami!\n\n"
            "{agent}",
        ),
        "password": Script(
            "Nie mogę się zalogować — e-mail do resetu hasła nie dociera",
            "Dzień dobry, już trzeci raz proszę o reset hasła, ale wiadomość nie dociera (folder "
            "spam sprawdzony). Potrzebuję dostępu do konta jeszcze dziś.\n{customer}",
            "Dzień dobry,\n\nz naszych logów wynika, że Państwa serwer pocztowy odrzucił "
            "wiadomości z resetem jako masową wysyłkę. Wysłaliśmy nowy link z adresu działu "
            "wsparcia — proszę sprawdzić skrzynkę. Link jest ważny przez godzinę.\n\n{agent}",
            "Ich serwer pocztowy odrzuca nadawcę noreply. Poprosiliśmy o dodanie go do białej "
            "listy; nowy link poszedł z support@.",
            "Tym razem doszło i udało się zalogować. Dziękuję!",
            "Cieszymy się, że zadziałało. Zamykam zgłoszenie.\n\n{agent}",
        ),
        "refund": Script(
            "Zwrot pieniędzy za odesłany router",
            "Dzień dobry,\n\ndwa tygodnie temu odesłaliśmy router (zwrot został przyjęty), ale "
            "pieniądze nadal nie wpłynęły na kartę. Czy mogą Państwo to sprawdzić?\n\n"
            "Pozdrawiam,\n{customer}",
            "Dzień dobry,\n\nzwrot dotarł i został przez nas zatwierdzony. Zwrot środków na kartę "
            "trwa 5–7 dni roboczych od zatwierdzenia; poprosiliśmy dział rozliczeń o potwierdzenie "
            "daty przelewu i wrócimy z informacją.\n\n{agent}",
            "Zwrot utknął w statusie „zatwierdzony” — piątkowa paczka płatności się nie wykonała. "
            "Poprosiliśmy finanse o ponowne uruchomienie.",
            "Dobrze, dziękuję. Proszę dać znać, gdy pieniądze zostaną wysłane.",
            "Zwrot został dziś wysłany, środki powinny pojawić się na karcie w ciągu kilku dni. "
            "Dziękujemy za cierpliwość!\n\n{agent}",
        ),
        "bug": Script(
            "Eksport do Excela tworzy pusty plik",
            "Dzień dobry,\n\nprzy eksporcie raportu miesięcznego do Excela plik się pobiera, ale "
            "jest pusty (0 wierszy). Eksport do CSV działa poprawnie. Przeglądarka: Firefox 128 na "
            "Windows 11.\n\n{customer}",
            "Dzień dobry,\n\ndziękujemy za dokładny opis — problem występuje przy raportach z "
            "zarchiwizowanymi projektami i programiści już nad nim pracują. Do czasu poprawki "
            "proszę korzystać z eksportu CSV albo odznaczyć opcję „uwzględnij zarchiwizowane”.\n\n"
            "{agent}",
            "Odtworzone. Zgłoszony błąd: eksport XLSX gubi wiersze, gdy zarchiwizowany projekt nie "
            "ma właściciela.",
            "Obejście na razie wystarcza, dziękuję. Proszę dać znać, gdy poprawka będzie dostępna.",
            "Poprawka została wdrożona dziś rano — eksport do Excela zawiera teraz wszystkie "
            "wiersze. Dziękujemy za zgłoszenie błędu!\n\n{agent}",
        ),
        "feature": Script(
            "Czy obsługujecie logowanie jednokrotne (SSO)?",
            "Dzień dobry,\n\nrozważamy Państwa plan chmurowy dla zespołu 40 osób. Czy obsługuje "
            "on logowanie jednokrotne przez Microsoft Entra ID i czy jest ono dostępne w planie "
            "Business?\n\nZ poważaniem,\n{customer}",
            "Dzień dobry,\n\ntak — logowanie jednokrotne SAML z Entra ID jest dostępne w planie "
            "Business bez dodatkowych opłat. Jeśli Państwo chcą, przygotujemy 30-dniowy okres "
            "próbny z włączonym SSO dla całego zespołu.\n\n{agent}",
            "Potencjalna umowa na 40 stanowisk. Jeśli przyjmą okres próbny — włączyć kierownika "
            "sprzedaży.",
            "Okres próbny byłby świetny, proszę go uruchomić dla naszej domeny.",
            "Okres próbny jest aktywny — zaproszenie wysłaliśmy na Państwa adres. W razie pytań o "
            "konfigurację Entra ID proszę pisać.\n\n{agent}",
        ),
    },
    "fa": {
        "printer": Script(
            "چاپگر بعد از صفحهٔ اول خطای E-03 می‌دهد",
            "سلام،\n\nاز امروز صبح چاپگر P300 ما بعد از صفحهٔ اول متوقف می‌شود و خطای E-03 نشان "
            "می‌دهد. خاموش و روشنش کردیم ولی فایده‌ای نداشت. امروز باید گزارش را تحویل بدهیم؛ "
            "لطفاً کمک کنید.\n\nممنون،\n{customer}",
            "سلام {customer} عزیز،\n\nبابت این مشکل عذرخواهی می‌کنیم. خطای E-03 معمولاً یعنی "
            "واحد فیوزر بیش از حد داغ شده است. لطفاً درِ پشتی را باز کنید، بررسی کنید کاغذی کنار "
            "غلتک‌ها گیر نکرده باشد و چاپگر را ۱۵ دقیقه خاموش بگذارید. آیا بعد از آن خطا دوباره "
            "ظاهر می‌شود؟\n\nبا احترام،\n{agent}",
            "این سومین خطای E-03 در این ماه از همین سری P300 است. اگر خنک شدن کمکی نکرد، فیوزر "
            "جدید را با گارانتی می‌فرستیم.",
            "پشت غلتک‌ها واقعاً یک تکه کاغذ پاره گیر کرده بود. بعد از برداشتنش چاپگر دوباره کار "
            "می‌کند. خیلی ممنون!",
            "خوشحالیم که مشکل حل شد، {customer} عزیز! درخواست را حل‌شده علامت می‌زنم؛ اگر خطا "
            "دوباره پیدا شد، کافی است به همین پیام پاسخ دهید.\n\n{agent}",
        ),
        "invoice": Script(
            "شناسهٔ ملی اشتباه در فاکتور",
            "سلام،\n\nدر آخرین فاکتور، شناسهٔ ملی قدیمی شرکت ما درج شده و واحد حسابداری "
            "نمی‌تواند آن را ثبت کند. لطفاً فاکتور اصلاح‌شده صادر کنید.\n\nبا تشکر،\n{customer}",
            "سلام {customer} عزیز،\n\nممنون که اطلاع دادید. لطفاً شناسهٔ ملی درست و شمارهٔ "
            "فاکتور را بفرستید تا همان روز فاکتور را دوباره صادر کنیم.\n\n{agent}",
            "در پروندهٔ مشتری هنوز شناسهٔ قدیمی ثبت است؛ در سیستم صورتحساب هم اصلاح شود، نه فقط "
            "روی فاکتور.",
            "شناسهٔ ملی ۱۰۱۰۲۳۴۵۶۷۸ است و فاکتور مربوط به دوشنبهٔ گذشته است.",
            "انجام شد؛ فاکتور اصلاح‌شده در حساب کاربری شما موجود است و فاکتور قبلی باطل شد. بابت "
            "این زحمت پوزش می‌خواهیم!\n\n{agent}",
        ),
        "delivery": Script(
            "سفارش هنوز تحویل نشده است",
            "سلام،\n\nده روز پیش دو روتر سفارش دادم و صفحهٔ رهگیری هنوز «برچسب ایجاد شد» را نشان "
            "می‌دهد. قرار بود ظرف پنج روز تحویل شود. سفارش من کجاست؟\n\n{customer}",
            "سلام {customer} عزیز،\n\nبا انبار هماهنگ کردیم: بسته به این دلیل نگه داشته شده بود "
            "که یکی از روترها موجود نبود. امروز صبح ارسال شد و ظرف دو روز کاری به دستتان "
            "می‌رسد. بابت تأخیر عذرخواهی می‌کنیم.\n\n{agent}",
            "انبار کمبود موجودی را تأیید کرد. اگر باز هم عقب افتاد، ارسال رایگان برای سفارش بعدی "
            "پیشنهاد شود.",
            "ممنون که پیگیری کردید. کد رهگیری حالا کار می‌کند.",
            "شرکت پست تحویل بسته را تأیید کرده است. از روترهای جدیدتان لذت ببرید، {customer} "
            "عزیز!\n\n{agent}",
        ),
        "password": Script(
            "نمی‌توانم وارد شوم — ایمیل بازنشانی رمز عبور نمی‌رسد",
            "سلام، سه بار درخواست بازنشانی رمز عبور دادم ولی ایمیلی نرسید (پوشهٔ هرزنامه را هم "
            "دیدم). امروز حتماً باید به حسابم دسترسی داشته باشم.\n{customer}",
            "سلام {customer} عزیز،\n\nطبق گزارش‌های ما، سرور ایمیل شما پیام‌های بازنشانی را "
            "به‌عنوان ایمیل انبوه رد کرده است. یک پیوند جدید از نشانی پشتیبانی فرستادیم؛ لطفاً "
            "صندوق ورودی را بررسی کنید. این پیوند یک ساعت اعتبار دارد.\n\n{agent}",
            "سرور ایمیلشان فرستندهٔ noreply ما را رد می‌کند. خواستیم آن را در فهرست سفید بگذارند؛ "
            "پیوند جدید از support@ رفت.",
            "این بار رسید و وارد شدم. ممنون!",
            "خوشحالیم که درست شد، {customer} عزیز. این درخواست را می‌بندم.\n\n{agent}",
        ),
        "refund": Script(
            "بازپرداخت وجه روتر مرجوعی",
            "سلام،\n\nدو هفته پیش یک روتر را مرجوع کردم (مرجوعی پذیرفته شد)، ولی هنوز مبلغ به "
            "کارتم برنگشته است. لطفاً بررسی کنید.\n\n{customer}",
            "سلام {customer} عزیز،\n\nکالای مرجوعی به دست ما رسیده و تأیید شده است. بازگشت وجه "
            "به کارت ۵ تا ۷ روز کاری پس از تأیید طول می‌کشد؛ از همکاران بخش صورتحساب خواستیم "
            "تاریخ واریز را تأیید کنند و به شما خبر می‌دهیم.\n\n{agent}",
            "بازپرداخت در وضعیت «تأییدشده» مانده است؛ دستهٔ پرداخت جمعه ناموفق بود. از امور مالی "
            "خواستیم دوباره اجرا کنند.",
            "باشه، ممنون. لطفاً وقتی واریز شد خبرم کنید.",
            "مبلغ امروز واریز شد و ظرف چند روز در کارت شما دیده می‌شود. از صبر و شکیبایی شما "
            "سپاسگزاریم!\n\n{agent}",
        ),
        "bug": Script(
            "خروجی اکسل یک فایل خالی می‌سازد",
            "سلام،\n\nوقتی از گزارش ماهانه خروجی اکسل می‌گیرم، فایل دانلود می‌شود ولی خالی است "
            "(۰ ردیف). خروجی CSV درست کار می‌کند. مرورگر: فایرفاکس ۱۲۸ روی ویندوز ۱۱.\n\n"
            "{customer}",
            "سلام {customer} عزیز،\n\nاز توضیح دقیقتان ممنونیم. مشکل در گزارش‌هایی که "
            "پروژه‌های بایگانی‌شده دارند تکرار می‌شود و برنامه‌نویسان ما در حال رفع آن هستند. تا "
            "انتشار اصلاحیه، لطفاً از خروجی CSV استفاده کنید یا گزینهٔ «شامل بایگانی‌شده‌ها» را "
            "بردارید.\n\n{agent}",
            "بازتولید شد. باگ ثبت شد: خروجی XLSX وقتی پروژهٔ بایگانی‌شده مالک ندارد ردیف‌ها را "
            "جا می‌اندازد.",
            "فعلاً راه موقت جواب می‌دهد، ممنون. لطفاً وقتی اصلاحیه منتشر شد خبر بدهید.",
            "اصلاحیه امروز صبح منتشر شد و حالا خروجی اکسل همهٔ ردیف‌ها را دارد. باز هم از گزارش "
            "شما سپاسگزاریم!\n\n{agent}",
        ),
        "feature": Script(
            "آیا ورود یکپارچه (SSO) پشتیبانی می‌شود؟",
            "سلام،\n\nدر حال بررسی طرح ابری شما برای یک تیم ۴۰ نفره هستیم. آیا ورود یکپارچه با "
            "Microsoft Entra ID پشتیبانی می‌شود و در طرح Business گنجانده شده است؟\n\nبا احترام،"
            "\n{customer}",
            "سلام {customer} عزیز،\n\nبله، ورود یکپارچهٔ SAML با Entra ID در طرح Business بدون "
            "هزینهٔ اضافه در دسترس است. اگر مایل باشید، یک دورهٔ آزمایشی ۳۰ روزه با SSO فعال "
            "برای تیمتان راه‌اندازی می‌کنیم.\n\n{agent}",
            "قرارداد احتمالی ۴۰ کاربره. اگر دورهٔ آزمایشی را پذیرفتند، مدیر فروش در جریان قرار "
            "بگیرد.",
            "دورهٔ آزمایشی عالی است، لطفاً برای دامنهٔ ما فعالش کنید.",
            "دورهٔ آزمایشی فعال شد و دعوت‌نامه به نشانی شما ارسال شد. اگر برای تنظیم Entra ID "
            "کمک لازم داشتید، خبر بدهید.\n\n{agent}",
        ),
    },
}
