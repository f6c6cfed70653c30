from django.urls import path

from relaydesk.automation import views, views_canned, views_macros, views_rules

app_name = "automation"

urlpatterns = [
    path("availability/", views.availability, name="availability"),
    path("assignment/", views.assignment_index, name="assignment"),
    path("assignment/<int:department_id>/", views.department, name="department"),
    path("assignment/<int:department_id>/agents/<int:user_id>/", views.agent, name="agent"),
    path("triggers/", views_rules.trigger_list, name="triggers"),
    path("triggers/new/", views_rules.trigger_edit, name="new_triggers"),
    path("triggers/<int:trigger_id>/", views_rules.trigger_edit, name="triggers_edit"),
    path("triggers/<int:trigger_id>/delete/", views_rules.trigger_delete, name="triggers_delete"),
    path(
        "triggers/<int:trigger_id>/dry-run/", views_rules.trigger_dry_run, name="triggers_dry_run"
    ),
    path("time-rules/", views_rules.time_rule_list, name="time_rules"),
    path("time-rules/new/", views_rules.time_rule_edit, name="new_time_rules"),
    path("time-rules/<int:rule_id>/", views_rules.time_rule_edit, name="time_rules_edit"),
    path(
        "time-rules/<int:rule_id>/delete/",
        views_rules.time_rule_delete,
        name="time_rules_delete",
    ),
    path(
        "time-rules/<int:rule_id>/dry-run/",
        views_rules.time_rule_dry_run,
        name="time_rules_dry_run",
    ),
]

urlpatterns += [
    path("responses/", views_canned.response_list, name="responses"),
    path("responses/new/", views_canned.response_edit, name="new_response"),
    path("responses/<int:response_id>/", views_canned.response_edit, name="response"),
    path(
        "responses/<int:response_id>/delete/",
        views_canned.response_delete,
        name="delete_response",
    ),
    path("macros/", views_macros.macro_list, name="macros"),
    path("macros/new/", views_macros.macro_edit, name="new_macro"),
    path("macros/preview/", views_macros.macro_preview, name="macro_preview"),
    path("macros/<int:macro_id>/", views_macros.macro_edit, name="macro"),
    path("macros/<int:macro_id>/delete/", views_macros.macro_delete, name="delete_macro"),
    path("tickets/<int:number>/responses/", views_canned.ticket_responses, name="ticket_responses"),
    path(
        "tickets/<int:number>/responses/<int:response_id>/",
        views_canned.ticket_response_text,
        name="response_text",
    ),
    path("tickets/<int:number>/macro/", views_macros.apply_macro, name="apply_macro"),
]
