"""The migration of HRM companies to Connect: phase, campaign, invitations, outbox, links, audit.

Two explicit state machines live here, each a ``TextChoices`` with ONE map of
allowed transitions (``PHASE_TRANSITIONS``, ``INVITATION_TRANSITIONS``). Only
``provisioning.services`` writes ``phase`` and ``status``, through the one
function per machine that checks the map.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrm.models import Company, Employee


class Phase(models.TextChoices):
    LEGACY = "legacy", _("Legacy login")
    PREPARING = "preparing", _("Preparing")
    CONNECT = "connect", _("Connect")


# legacy --start_preparation--> preparing --activate--> connect --rollback--> preparing
PHASE_TRANSITIONS: dict[str, frozenset[str]] = {
    Phase.LEGACY: frozenset({Phase.PREPARING}),
    Phase.PREPARING: frozenset({Phase.CONNECT}),
    Phase.CONNECT: frozenset({Phase.PREPARING}),
}


class CompanyMigration(models.Model):
    company = models.OneToOneField(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="migration"
    )
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices, default=Phase.LEGACY)
    phase_changed_at = models.DateTimeField(_("phase changed"), default=timezone.now)
    phase_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    # Announced in the invitation mail when set (the switch issue schedules it).
    planned_activation_at = models.DateTimeField(_("planned switch to Connect"), null=True, blank=True)
    # Who scheduled it: the beat job activates on their behalf (audited with them).
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scheduled by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    # Set when the reminder before a scheduled switch was queued: it goes out once.
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    # The company's rule; Connect enforces it (idp.mfa.policy, provisioning.mfa_policy).
    require_second_factor = models.BooleanField(
        _("require a second factor"),
        default=False,
        help_text=_("Employees who sign in with a password must also use a passkey or an authenticator app."),
    )

    class Meta:
        verbose_name = _("company migration")
        verbose_name_plural = _("company migrations")

    def __str__(self) -> str:
        return f"{self.company} ({self.get_phase_display()})"


class CampaignStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")


class Campaign(models.Model):
    """The fan-out of invitations for one company, resumable from ``cursor``.

    Each chunk handles the next employees by primary key after ``cursor`` and
    moves the cursor in the same transaction, so a crash resumes where the last
    committed chunk stopped and a chunk that runs twice finds nothing left to do.
    """

    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.RUNNING
    )
    cursor = models.BigIntegerField(_("last employee handled"), default=0)
    total = models.PositiveIntegerField(_("employees"), default=0)
    processed = models.PositiveIntegerField(_("handled"), default=0)
    queued = models.PositiveIntegerField(_("mails queued"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ("-started_at",)

    def __str__(self) -> str:
        return f"{self.company} {self.started_at:%Y-%m-%d}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    VERIFIED_LINKED = "verified_linked", _("Verified and linked")
    EXPIRED = "expired", _("Link expired")
    FAILED = "failed", _("Mail failed")
    SKIPPED = "skipped", _("Skipped")


S = InvitationStatus
INVITATION_TRANSITIONS: dict[str, frozenset[str]] = {
    # pending -> pending: a new link before the first mail went out.
    S.PENDING: frozenset({S.PENDING, S.SENT, S.FAILED, S.SKIPPED, S.VERIFIED_LINKED}),
    # sent -> sent is a resend: a new link replaces the old one.
    S.SENT: frozenset({S.SENT, S.PENDING, S.VERIFIED_LINKED, S.EXPIRED, S.FAILED, S.SKIPPED}),
    S.EXPIRED: frozenset({S.PENDING, S.SKIPPED}),
    S.FAILED: frozenset({S.PENDING, S.SKIPPED}),
    S.SKIPPED: frozenset({S.PENDING}),
    # Only an unlink reopens a linked employee.
    S.VERIFIED_LINKED: frozenset({S.PENDING}),
}


class SkipReason(models.TextChoices):
    NONE = "", _("—")
    NO_EMAIL = "no_email", _("No email address")
    SHARED_EMAIL = "shared_email", _("Email address shared with a colleague")
    INACTIVE = "inactive", _("Inactive employee")


class Invitation(models.Model):
    employee = models.OneToOneField(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="invitation"
    )
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING, db_index=True
    )
    skip_reason = models.CharField(_("reason"), max_length=16, choices=SkipReason.choices, blank=True)
    # The address the link was made for: the link can only ever confirm this one.
    email = models.CharField(_("email address"), max_length=254, blank=True)
    # Random per link; the token is HMAC(SECRET_KEY, id:nonce) (see provisioning.tokens).
    nonce = models.CharField(max_length=64, blank=True)
    token_hash = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sends = models.PositiveIntegerField(_("mails sent"), default=0)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["company", "status"])]

    def __str__(self) -> str:
        return f"{self.employee} ({self.get_status_display()})"


class OutboxMail(models.Model):
    """A decision to send, committed with the state change that made it.

    The task loads the row by id; ``sent_at`` makes a retry of a sent row a
    no-op, and the beat job re-queues rows nobody sent (broker outage).
    """

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="mails")
    # The link generation this mail carries; a newer resend supersedes it.
    nonce = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    abandoned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mails")
        indexes = [models.Index(fields=["sent_at", "abandoned_at", "queued_at"])]

    def __str__(self) -> str:
        return f"mail {self.pk} for invitation {self.invitation_id}"


class EmployeeLink(models.Model):
    """Which Connect account signs in as which employee, who linked it and when."""

    employee = models.OneToOneField(Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Connect account"), on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked"), default=timezone.now)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("linked by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    via = models.CharField(_("how"), max_length=32)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [models.UniqueConstraint(fields=["company", "account"], name="prov_link_one_per_company")]

    def __str__(self) -> str:
        return f"{self.employee} → {self.account_id}"


class CompanyStaff(models.Model):
    """Staff who administer the migration of one company (superusers see all)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff user"), on_delete=models.CASCADE, related_name="+"
    )
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("company administrator")
        verbose_name_plural = _("company administrators")
        constraints = [models.UniqueConstraint(fields=["user", "company"], name="prov_staff_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company}"


class ProvisioningEvent(models.Model):
    """The company-scoped audit log of the migration, written in the same transaction."""

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.CharField(_("event"), max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("acting user"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("provisioning event")
        verbose_name_plural = _("provisioning events")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["company", "event", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.event}"


class PasswordSetup(models.Model):
    """A "set your password" link for an employee an administrator provisioned.

    Same design as the invitation link (provisioning.tokens): a derived token of
    which only a hash is stored, single use, expiring. Using it sets the password
    and verifies the address the mail went to. The row is its own outbox entry:
    ``sent_at`` is empty until the mail went out, and the beat job re-queues it.
    """

    employee = models.OneToOneField(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="password_setup"
    )
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Connect account"), on_delete=models.CASCADE, related_name="+"
    )
    email = models.CharField(_("email address"), max_length=254)
    nonce = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField(_("link expires"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("provisioned by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    queued_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("password setup link")
        verbose_name_plural = _("password setup links")

    def __str__(self) -> str:
        return f"setup for {self.employee}"


class ConnectEmployee(Employee):
    """HRM's employees as the migration admin lists them (a proxy: no table)."""

    class Meta:
        proxy = True
        verbose_name = _("employee (Connect)")
        verbose_name_plural = _("employees (Connect)")
