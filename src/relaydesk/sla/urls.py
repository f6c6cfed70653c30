from django.urls import path

from relaydesk.sla import views, views_setup

app_name = "sla"

urlpatterns = [
    path("report/", views.sla_report, name="report"),
    path("", views_setup.setup, name="setup"),
    path("calendars/new/", views_setup.calendar_edit, name="new_calendar"),
    path("calendars/<int:calendar_id>/", views_setup.calendar_edit, name="calendar"),
    path(
        "calendars/<int:calendar_id>/delete/",
        views_setup.calendar_delete,
        name="delete_calendar",
    ),
    path("policies/new/", views_setup.policy_edit, name="new_policy"),
    path(
        "policies/organizations/",
        views_setup.organization_choices,
        name="organization_choices",
    ),
    path("policies/<int:policy_id>/", views_setup.policy_edit, name="policy"),
    path("policies/<int:policy_id>/delete/", views_setup.policy_delete, name="delete_policy"),
    path("policies/<int:policy_id>/move/", views_setup.policy_move, name="move_policy"),
]
