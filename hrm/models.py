"""The HR system being migrated: customer companies and their employees.

HRM knows Connect only over OpenID Connect; the one trace of Connect here is
``Employee.connect_subject``, the ``sub`` of the Connect account linked to the
employee, which HRM stores as any relying party stores an external identity.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoginMethod(models.TextChoices):
    LEGACY = "legacy", _("HRM's own login")
    CONNECT = "connect", _("Connect")


class Company(models.Model):
    slug = models.SlugField(_("slug"), unique=True, help_text=_("Part of the company's own HRM address."))
    name = models.CharField(_("name"), max_length=200)
    # Which login HRM shows for this company. Written only by
    # hrm.services.company_set_login_method (the migration switch calls it).
    login_method = models.CharField(
        _("login method"), max_length=16, choices=LoginMethod.choices, default=LoginMethod.LEGACY
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Employee(models.Model):
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="employees")
    employee_number = models.CharField(_("employee number"), max_length=32)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    # Real HR data: missing for some, shared between colleagues for others.
    email = models.EmailField(_("email address"), max_length=254, blank=True)
    personal_number_hash = models.CharField(_("personal identity number (keyed hash)"), max_length=64, blank=True)
    personal_number_masked = models.CharField(_("personal identity number"), max_length=13, blank=True)
    legacy_username = models.CharField(_("HRM username"), max_length=150)
    legacy_password_hash = models.CharField(_("HRM password hash"), max_length=256, blank=True)
    is_hrm_admin = models.BooleanField(_("HRM administrator"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    connect_subject = models.UUIDField(_("Connect account (subject)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ("company", "last_name", "first_name")
        constraints = [
            models.UniqueConstraint(fields=["company", "employee_number"], name="hrm_employee_number_unique"),
            models.UniqueConstraint(fields=["company", "legacy_username"], name="hrm_employee_username_unique"),
            models.UniqueConstraint(fields=["company", "connect_subject"], name="hrm_employee_subject_unique"),
        ]
        indexes = [
            models.Index(fields=["company", "email"]),
            models.Index(fields=["connect_subject"]),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.employee_number})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class HrmSession(models.Model):
    """HRM's own login session, separate from Connect's: HRM is another product.

    The cookie holds a random token; only its SHA-256 is stored, so a database
    read does not hand out live sessions. Deleting the rows ends the sessions.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="hrm_sessions")
    via = models.CharField(max_length=16, choices=LoginMethod.choices)
    # The Connect ID token, kept for RP-initiated logout (id_token_hint).
    id_token = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("HRM session")
        verbose_name_plural = _("HRM sessions")

    def __str__(self) -> str:
        return f"session of employee {self.employee_id} via {self.via}"
