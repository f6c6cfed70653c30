from django.urls import path

from relaydesk.mail import views

app_name = "mail"

urlpatterns = [
    path("tickets/<int:number>/spam/", views.spam, name="spam"),
    path("tickets/<int:number>/forward/", views.forward, name="forward"),
]
