"""The ASGI application: HTTP through Django, websockets through Channels routing."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relaydesk.settings")

import django
from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator

django.setup(set_prefix=False)

from relaydesk.core.handlers import SyncChainHandler  # noqa: E402

django_application = SyncChainHandler()

from relaydesk.desk.routing import websocket_urlpatterns as desk_sockets  # noqa: E402
from relaydesk.portal.routing import websocket_urlpatterns as portal_sockets  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(desk_sockets + portal_sockets))
        ),
    }
)
