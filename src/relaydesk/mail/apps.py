from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "relaydesk.mail"
    label = "mail"
    verbose_name = _("Mail")

    def ready(self) -> None:
        from relaydesk.mail import hooks, webhooks  # noqa: F401  (connect the receivers)
