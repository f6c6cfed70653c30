from django.contrib.auth.views import LogoutView
from django.urls import path

from relaydesk.desk.views import (
    attachments,
    auth,
    bulk,
    contacts,
    lists,
    new,
    profile,
    saved,
    ticket,
    ticket_actions,
    tokens,
)

app_name = "desk"

urlpatterns = [
    path("", lists.ticket_list, name="home"),
    path("login/", auth.DeskLoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("bulk/", bulk.bulk, name="bulk"),
    path("bulk/merge/", ticket_actions.bulk_merge_view, name="bulk_merge"),
    path("bulk/<int:job_id>/", bulk.bulk_job, name="bulk_job"),
    path("views/", saved.view_list, name="views"),
    path("views/new/", saved.create, name="create_view"),
    path("views/<int:view_id>/", saved.edit, name="edit_view"),
    path("views/<int:view_id>/manage/", saved.manage, name="manage_view"),
    path("tickets/new/", new.new_ticket, name="new_ticket"),
    path("tickets/<int:number>/", ticket.ticket_page, name="ticket"),
    path("tickets/<int:number>/reply/", ticket.reply, name="reply"),
    path("tickets/<int:number>/properties/", ticket.properties, name="properties"),
    path("tickets/<int:number>/transfer/", ticket.transfer, name="transfer"),
    path("tickets/<int:number>/time/", ticket.log_time, name="log_time"),
    path("tickets/<int:number>/follow/", ticket.follow, name="follow"),
    path("tickets/<int:number>/merge/", ticket_actions.merge, name="merge"),
    path(
        "tickets/<int:number>/merge/candidates/",
        ticket_actions.merge_candidates,
        name="merge_candidates",
    ),
    path("tickets/<int:number>/split/", ticket_actions.split, name="split"),
    path("tickets/<int:number>/links/", ticket_actions.link, name="link"),
    path("tickets/<int:number>/snooze/", ticket_actions.snooze, name="snooze"),
    path("attachments/<int:attachment_id>/", attachments.download, name="attachment"),
    path("contacts/", contacts.contact_list, name="contacts"),
    path("contacts/<int:contact_id>/", contacts.contact_page, name="contact"),
    path("contacts/<int:contact_id>/edit/", contacts.edit_contact, name="edit_contact"),
    path("contacts/<int:contact_id>/emails/", contacts.add_email, name="add_contact_email"),
    path(
        "contacts/<int:contact_id>/emails/<int:address_id>/remove/",
        contacts.remove_email,
        name="remove_contact_email",
    ),
    path("contacts/<int:contact_id>/phones/", contacts.add_phone, name="add_contact_phone"),
    path(
        "contacts/<int:contact_id>/phones/<int:phone_id>/remove/",
        contacts.remove_phone,
        name="remove_contact_phone",
    ),
    path("contacts/<int:contact_id>/merge/", contacts.merge, name="merge_contact"),
    path("organizations/", contacts.organization_list, name="organizations"),
    path(
        "organizations/<int:organization_id>/",
        contacts.organization_page,
        name="organization",
    ),
    path(
        "organizations/<int:organization_id>/notes/",
        contacts.organization_notes,
        name="organization_notes",
    ),
    path("profile/", profile.profile, name="profile"),
    path("profile/language/", profile.set_language, name="set_language"),
    path("profile/tokens/", tokens.token_list, name="tokens"),
    path("profile/tokens/<int:token_id>/revoke/", tokens.revoke, name="revoke_token"),
]
