from __future__ import annotations

import secrets
from typing import Any

from allauth.account.forms import LoginForm, SignupForm
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from idp.emails import normalize_email
from idp.models import User


class LoginEmailForm(forms.Form):
    """Step 1 of sign-in: only the address. Whether an account exists is never
    told here (the next step looks the same either way)."""

    login = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        # "webauthn": the browser may offer saved passkeys here (conditional
        # mediation, static/js/passkey.js), WebAuthn L3 §5.1.4.
        widget=forms.EmailInput(attrs={"autocomplete": "username webauthn", "autofocus": True}),
    )


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class ConnectLoginForm(LoginForm):
    """allauth's login form, seeing the address in its one normal form (NFKC,
    lower case) so that look-alike spellings are one account and one counter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        data = kwargs.get("data") if "data" in kwargs else (args[0] if args else None)
        if data is not None and "login" in data:
            data = data.copy()
            data["login"] = normalize_email(data["login"])
            if "data" in kwargs:
                kwargs["data"] = data
            else:
                args = (data, *args[1:])
        super().__init__(*args, **kwargs)
        # The page links "Forgot your password?" itself (account/login.html); allauth's
        # help text would render a template on every sign-in only to be left unused.
        self.fields["password"].help_text = ""


class ConnectSignupForm(SignupForm):
    """allauth's sign-up form. With a taken address allauth creates nothing and
    mails the owner instead; the password is hashed anyway, as a new account's
    would be, so both answers take the same time (no enumeration by timing)."""

    def try_save(self, request: HttpRequest) -> Any:
        if self.account_already_exists:
            User().set_password(secrets.token_urlsafe(16))
        return super().try_save(request)
