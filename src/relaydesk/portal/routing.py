from django.urls import path

from relaydesk.portal.consumers import RequestConsumer

websocket_urlpatterns = [
    path("ws/requests/<int:number>/", RequestConsumer.as_asgi()),
]
