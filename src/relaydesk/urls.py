from django.contrib import admin
from django.urls import include, path

from relaydesk.api.api import api
from relaydesk.core import views as core_views
from relaydesk.mail.ses import SesInboundView

admin.site.site_header = admin.site.site_title = "Relaydesk"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("desk/search/", include("relaydesk.search.urls")),
    path("desk/sla/", include("relaydesk.sla.urls")),
    path("desk/kb/", include("relaydesk.kb.desk_urls")),
    path("desk/satisfaction/", include("relaydesk.portal.desk_urls")),
    path("desk/automation/", include("relaydesk.automation.urls")),
    path("desk/mail/", include("relaydesk.mail.urls")),
    path("desk/notifications/", include("relaydesk.notifications.urls")),
    path("desk/mail-templates/", include("relaydesk.mailtemplates.urls")),
    path("desk/", include("relaydesk.desk.urls")),
    path("kb/", include("relaydesk.kb.urls")),
    path("mail/webhooks/amazon_ses/inbound/", SesInboundView.as_view(), name="ses_inbound"),
    path("mail/webhooks/", include("anymail.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("relaydesk.portal.urls")),
]

handler400 = "relaydesk.core.errors.bad_request"
handler403 = "relaydesk.core.errors.permission_denied"
handler404 = "relaydesk.core.errors.page_not_found"
handler500 = "relaydesk.core.errors.server_error"
