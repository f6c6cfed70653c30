from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from relaydesk.accounts.models import User


class EmailBackend(ModelBackend):
    """Sign in by email address, whatever its case."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = (username or kwargs.get("email") or "").strip().lower()
        if not email or password is None:
            return None
        try:
            user = User.objects.get(email=email)
        except User.DoesNotExist:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> User | None:
        """A request's signed-in person with their availability (the desk's top bar shows
        it on every page) read in the same query."""
        try:
            user = User.objects.select_related("agent_state").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
