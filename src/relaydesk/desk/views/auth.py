"""Sign in and sign out."""

from django.contrib.auth.views import LoginView

from relaydesk.desk.forms import DeskLoginForm


class DeskLoginView(LoginView):
    form_class = DeskLoginForm
    template_name = "desk/login.html"
