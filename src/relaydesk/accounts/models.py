"""People: users with roles, organizations, departments and per-department access (AD1)."""

from __future__ import annotations

import functools
import zoneinfo
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())  # reads the whole tz database: once


def validate_timezone(value: str) -> None:
    if value not in _time_zones():
        raise ValidationError(_("Unknown time zone."))


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    SUPERVISOR = "supervisor", _("Supervisor")
    AGENT = "agent", _("Agent")
    CUSTOMER = "customer", _("Customer")


STAFF_ROLES = (Role.ADMIN, Role.SUPERVISOR, Role.AGENT)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self, email: str, password: str | None = None, *, unknown: bool = False, **fields: Any
    ) -> User:
        user = self.checked_user(email, password, unknown=unknown, **fields)
        user.save(using=self._db)
        return user

    def checked_user(
        self, email: str, password: str | None = None, *, unknown: bool = False, **fields: Any
    ) -> User:
        """A new person, validated and not yet saved. `unknown`: the caller has just found
        nobody with the address, so it is not looked up again (the unique index still refuses
        a duplicate, as an `IntegrityError`)."""
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"], validate_unique=not unknown)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("role", Role.ADMIN)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    domains = models.CharField(
        _("email domains"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated; senders from these domains join the organization."),
    )
    members_see_all_tickets = models.BooleanField(
        _("members see the organization's tickets"), default=False
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role, default=Role.CUSTOMER)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["role", "name"])]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        """Addresses are kept in lower case (forms too), as sign-in looks them up that way."""
        super().clean()
        self.email = self.email.strip().lower()

    @property
    def display_name(self) -> str:
        return self.name or self.email

    @property
    def first_name(self) -> str:
        return (self.name or self.email.split("@")[0]).split()[0]

    @property
    def is_staff(self) -> bool:
        """Only administrators reach `/admin/`."""
        return self.is_active and self.role == Role.ADMIN

    @property
    def is_agent(self) -> bool:
        """Admins, supervisors and agents work in the desk."""
        return self.is_active and self.role in STAFF_ROLES

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    def has_perm(self, perm: str, obj: models.Model | None = None) -> bool:
        return self.is_staff or super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff or super().has_module_perms(app_label)


class ContactEmail(models.Model):
    """A contact's further address (the first stays `User.email`, used to sign in): mail
    from it finds the same contact (`services.find_or_create_customer`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="extra_emails")
    email = models.EmailField(_("email address"), unique=True)
    created_at = models.DateTimeField(_("added"), default=now)

    class Meta:
        ordering = ["email"]
        verbose_name = _("further email address")
        verbose_name_plural = _("further email addresses")

    def __str__(self) -> str:
        return self.email


class ContactPhone(models.Model):
    """A contact's further phone number (the first stays `User.phone`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="extra_phones")
    number = models.CharField(_("phone"), max_length=40)
    created_at = models.DateTimeField(_("added"), default=now)

    class Meta:
        ordering = ["number"]
        verbose_name = _("further phone number")
        verbose_name_plural = _("further phone numbers")
        constraints = [
            models.UniqueConstraint(fields=["user", "number"], name="contact_phone_unique")
        ]

    def __str__(self) -> str:
        return self.number


class Department(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    email = models.EmailField(_("email address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(
        User, through="Membership", related_name="departments", verbose_name=_("members")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Access(models.TextChoices):
    FULL = "full", _("Full")
    READ = "read", _("Read-only")
    NONE = "none", _("None")


class Membership(models.Model):
    """An agent's place in a department: how much they may do there and how many tickets."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    access = models.CharField(_("access"), max_length=8, choices=Access, default=Access.FULL)
    capacity = models.PositiveIntegerField(
        _("open ticket cap"), default=0, help_text=_("0 means no cap.")
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "department"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.department} ({self.access})"
