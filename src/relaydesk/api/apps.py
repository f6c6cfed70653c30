from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "relaydesk.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from relaydesk.api import tokens

        tokens.connect()
