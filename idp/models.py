"""Connect's accounts. The UUID primary key is the public subject identifier
(OIDC ``sub``, SAML persistent NameID base): stable, never reused, never editable."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from idp.emails import normalize_email


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("An account needs an email address")
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)  # None gives an unusable password
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> User:
        # Django's ModelBackend asks this at every password sign-in: one statement
        # also reads what allauth's login stages ask next (idp.signin).
        from idp.signin import account_for_sign_in

        return account_for_sign_in(username or "", using=self._db or "default")


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("subject"))
    # Stored normalised (idp.emails.normalize_email); the constraint below also
    # refuses two addresses that differ only by case, whatever wrote them.
    email = models.EmailField(_("email address"), max_length=254, unique=True)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    given_name = models.CharField(_("given name"), max_length=150, blank=True)
    family_name = models.CharField(_("family name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="sv"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="idp_user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    def get_full_name(self) -> str:
        return self.display_name or " ".join(p for p in (self.given_name, self.family_name) if p) or self.email

    def get_short_name(self) -> str:
        return self.given_name or self.get_full_name()


class ConnectSession(AbstractBaseSession):
    """Connect's single sign-on session, stored server-side with its owner, so a
    person's sessions can be listed and ended (``idp.sessions.SessionStore``)."""

    handle = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="connect_sessions"
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["user", "expire_date"])]

    @classmethod
    def get_session_store_class(cls) -> type[Any]:
        from idp.sessions import SessionStore

        return SessionStore
