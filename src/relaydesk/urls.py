from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from relaydesk.core import views as core_views

admin.site.site_header = admin.site.site_title = "Relaydesk"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("desk/", include("relaydesk.desk.urls")),
    path("desk/mail/", include("relaydesk.mail.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("mail/webhooks/", include("anymail.urls")),
    path("", RedirectView.as_view(pattern_name="desk:home", permanent=False), name="home"),
]

handler400 = "relaydesk.core.errors.bad_request"
handler403 = "relaydesk.core.errors.permission_denied"
handler404 = "relaydesk.core.errors.page_not_found"
handler500 = "relaydesk.core.errors.server_error"
