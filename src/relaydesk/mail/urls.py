from django.urls import path

from relaydesk.mail import views

app_name = "mail"

urlpatterns = [
    path("tickets/<int:number>/spam/", views.spam, name="spam"),
    path("tickets/<int:number>/forward/", views.forward, name="forward"),
    path("quarantine/", views.quarantine, name="quarantine"),
    path("quarantine/<int:mail_id>/", views.quarantined_mail, name="quarantined"),
    path("quarantine/<int:mail_id>/action/", views.quarantine_action, name="quarantine_action"),
]
