from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailTemplatesConfig(AppConfig):
    name = "relaydesk.mailtemplates"
    label = "mailtemplates"
    verbose_name = _("Mail templates")
