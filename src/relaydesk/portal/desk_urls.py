from django.urls import path

from relaydesk.portal.views import report

app_name = "satisfaction"

urlpatterns = [path("report/", report.satisfaction_report, name="report")]
