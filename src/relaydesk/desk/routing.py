from django.urls import path

from relaydesk.desk.consumers import TicketConsumer

websocket_urlpatterns = [
    path("ws/desk/tickets/<int:number>/", TicketConsumer.as_asgi()),
]
