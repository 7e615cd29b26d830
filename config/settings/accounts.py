"""django-allauth: email-only accounts with mandatory verification, MFA, federation."""

from __future__ import annotations

from config.env import env_int, env_str

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# A reset link proves the person reads the account's mail: they are signed in
# after choosing the password, and an interrupted login (?next=) continues.
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# No "remember me": the session cookie ends with the browser; the server-side
# session keeps its idle timeout and absolute lifetime either way.
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Connect: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
ACCOUNT_ADAPTER = "idp.adapter.ConnectAccountAdapter"
ACCOUNT_RATE_LIMITS = {
    # Every sign-in POST per address: CONNECT_LOGIN_FLOOD_RATE below instead
    # (idp.throttle, lock-free); allauth's own would take a cache lock per login.
    "login": "",
    # Failed logins: per client address and per (normalised) email, see idp.adapter.
    "login_failed": "20/5m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/5m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
}
# Every sign-in POST per client address. A whole office signs in through one
# NAT address at 8 o'clock, so this is a flood limit, not the brute-force
# defence (that is "login_failed" above).
CONNECT_LOGIN_FLOOD_RATE = env_str("CONNECT_LOGIN_FLOOD_RATE", "120/m/ip")
# Reset links: single use (tied to the password hash and last login) and short lived.
PASSWORD_RESET_TIMEOUT = env_int("CONNECT_PASSWORD_RESET_SECONDS", 60 * 60)

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "idp:account"
LOGOUT_REDIRECT_URL = "account_login"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Connect"
MFA_ADAPTER = "idp.mfa.adapter.ConnectMFAAdapter"
# A passkey that signs in alone must verify the person (PIN or biometric):
# allauth asks for it at passwordless sign-in and registration; as a second
# factor after a password, presence is enough.
MFA_WEBAUTHN_USER_VERIFICATION = "preferred"
# Security keys and passkeys ride on the same form; recovery codes come with the first factor.
MFA_RECOVERY_CODE_COUNT = 10
# allauth's WebAuthn forms, answering a malformed credential with a message instead of a 500.
MFA_FORMS = {
    "login_webauthn": "idp.mfa.forms.ConnectLoginWebAuthnForm",
    "authenticate_webauthn": "idp.mfa.forms.ConnectAuthenticateWebAuthnForm",
    "reauthenticate_webauthn": "idp.mfa.forms.ConnectReauthenticateWebAuthnForm",
    "add_webauthn": "idp.mfa.forms.ConnectAddWebAuthnForm",
}

SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_AUTO_SIGNUP = False
# Company SSO (idp.federation): the adapter signs a person in only to their
# provisioned account, by an address verified upstream in that company's domains.
SOCIALACCOUNT_ADAPTER = "idp.federation.adapter.ConnectSocialAccountAdapter"
# The upstream's answer is kept on the SocialAccount (extra_data); its tokens are
# not needed after sign-in and are not stored.
SOCIALACCOUNT_STORE_TOKENS = False

# How long audit events are kept (a beat job deletes older ones daily).
CONNECT_AUDIT_RETENTION_DAYS = env_int("CONNECT_AUDIT_RETENTION_DAYS", 365)

# Connect's single sign-on session (idp.sessions): idle timeout is SESSION_COOKIE_AGE
# (CONNECT_SESSION_IDLE_SECONDS, in settings.base); this is the absolute lifetime
# counted from sign-in, whatever the activity.
CONNECT_SESSION_ABSOLUTE_SECONDS = env_int("CONNECT_SESSION_ABSOLUTE_SECONDS", 10 * 60 * 60)
ACCOUNT_FORMS = {"login": "idp.forms.ConnectLoginForm", "signup": "idp.forms.ConnectSignupForm"}
