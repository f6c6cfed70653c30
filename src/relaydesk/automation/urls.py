from django.urls import path

from relaydesk.automation import views

app_name = "automation"

urlpatterns = [
    path("availability/", views.availability, name="availability"),
    path("assignment/", views.assignment_index, name="assignment"),
    path("assignment/<int:department_id>/", views.department, name="department"),
    path("assignment/<int:department_id>/agents/<int:user_id>/", views.agent, name="agent"),
]
