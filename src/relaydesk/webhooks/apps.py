from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "relaydesk.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from relaydesk.tickets.signals import event_recorded
        from relaydesk.webhooks import outbox

        event_recorded.connect(outbox.on_event, dispatch_uid="webhooks.outbox")
