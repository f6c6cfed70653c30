from django.urls import path

from relaydesk.automation import views, views_rules

app_name = "automation"

urlpatterns = [
    path("availability/", views.availability, name="availability"),
    path("assignment/", views.assignment_index, name="assignment"),
    path("assignment/<int:department_id>/", views.department, name="department"),
    path("assignment/<int:department_id>/agents/<int:user_id>/", views.agent, name="agent"),
    path("triggers/", views_rules.trigger_list, name="triggers"),
    path("triggers/new/", views_rules.trigger_edit, name="new_trigger"),
    path("triggers/<int:trigger_id>/", views_rules.trigger_edit, name="trigger"),
    path("triggers/<int:trigger_id>/delete/", views_rules.trigger_delete, name="delete_trigger"),
    path("triggers/<int:trigger_id>/dry-run/", views_rules.trigger_dry_run, name="dry_run"),
]
