from django.urls import path

from relaydesk.sla import views

app_name = "sla"

urlpatterns = [path("report/", views.sla_report, name="report")]
