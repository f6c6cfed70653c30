from django.contrib.auth import views as auth_views
from django.urls import path

from relaydesk.portal.views import auth, profile, requests, satisfaction, webform

app_name = "portal"

urlpatterns = [
    path("", requests.home, name="home"),
    path("login/", auth.PortalLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="portal:home"), name="logout"),
    path("login/link/", auth.login_link_request, name="login_link_request"),
    path("login/link/<str:token>/", auth.login_link, name="login_link"),
    path("signup/", auth.signup, name="signup"),
    path("signup/<str:token>/", auth.signup_confirm, name="signup_confirm"),
    path("password/reset/", auth.PortalPasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="portal/mail_sent.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth.PortalPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("requests/", requests.request_list, name="requests"),
    path("requests/new/", requests.new_request, name="new_request"),
    path("requests/<int:number>/", requests.request_page, name="request"),
    path("requests/<int:number>/reply/", requests.reply, name="reply"),
    path("requests/<int:number>/close/", requests.close, name="close"),
    path("requests/<int:number>/rate/", satisfaction.rate, name="rate"),
    path("rate/<str:token>/", satisfaction.rate_link, name="rate_link"),
    path("mail/stop/<str:token>/", satisfaction.unsubscribe, name="unsubscribe"),
    path("form/<slug:key>/", webform.contact, name="webform"),
    path("form/<slug:key>/example/", webform.example, name="webform_example"),
    path("files/<int:attachment_id>/", requests.attachment, name="attachment"),
    path("profile/", profile.profile, name="profile"),
    path("profile/language/", profile.set_language, name="set_language"),
]
