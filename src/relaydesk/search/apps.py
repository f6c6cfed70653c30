from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "relaydesk.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from relaydesk.search import indexer
        from relaydesk.tickets.signals import event_recorded

        event_recorded.connect(indexer.on_event, dispatch_uid="relaydesk.search.indexer")
