"""BankID's recommended user messages (RFA1 to RFA23), chosen per hintCode and errorCode.

The mapping follows BankID's "Recommended user messages" for the RP API v6.0:
pending hints tell the person what to do next, failed hints and error codes
say what went wrong. Texts are BankID's wording in English, with the Swedish
originals in locale/sv; each string's comment names its RFA number.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

RFA1 = _("Start your BankID app.")
RFA2 = _("The BankID app is not installed. Please contact your bank.")
RFA3 = _("Action cancelled. Please try again.")
RFA4 = _("An identification or signing for this personal number is already started. Please try again.")
RFA5 = _("Internal error. Please try again.")
RFA6 = _("Action cancelled.")
RFA8 = _(
    "The BankID app is not responding. Please check that it is started and that you have internet access. "
    "If you don't have a valid BankID you can get one from your bank. Try again."
)
RFA9 = _("Enter your security code in the BankID app and select Identify.")
RFA13 = _("Trying to start your BankID app.")
RFA14 = _(
    "Searching for BankID, it may take a little while… If a few seconds have passed and still no BankID has "
    "been found, you probably don't have a BankID which can be used for this identification on this device. "
    "If you don't have a BankID you can get one from your bank."
)
RFA16 = _(
    "The BankID you are trying to use is blocked or too old. Please use another BankID or get a new one from your bank."
)
RFA17 = _(
    "Failed to scan the QR code. Start the BankID app and scan the QR code. Check that the BankID app is up to "
    "date. If you don't have the BankID app, you need to install it and get a BankID from your bank. "
    "Install the app from your app store or https://install.bankid.com."
)
RFA21 = _("Identification in progress.")
RFA22 = _("Unknown error. Please try again.")
RFA23 = _("Process your machine-readable travel document using the BankID app.")

# Connect's own outcomes around BankID.
NO_ACCOUNT = _("No Connect account is linked to this BankID. Ask your administrator to link your account.")
AMBIGUOUS = _(
    "This BankID matches more than one Connect account, so we can't tell which one to log in to. "
    "Ask your administrator."
)
INACTIVE = _("The Connect account linked to this BankID is deactivated. Ask your administrator.")
UNAVAILABLE = _("BankID can't be reached right now. Please try again in a few minutes.")
DISABLED = _("Login with BankID is not available here.")
NO_ORDER = _("Your BankID login has ended. Start again.")
TOO_MANY = _("Too many BankID logins were started from your network. Wait a few minutes and try again.")

# Collect: status "pending" (RP API v6.0, collect → hintCode).
_PENDING_QR = {
    "outstandingTransaction": RFA1,
    "noClient": RFA1,
    "started": RFA14,
    "userMrtd": RFA23,
    "userCallConfirm": RFA21,
    "userSign": RFA9,
}
_PENDING_AUTOSTART = {**_PENDING_QR, "outstandingTransaction": RFA13}

# Collect: status "failed".
_FAILED = {
    "expiredTransaction": RFA8,
    "certificateErr": RFA16,
    "userCancel": RFA6,
    "cancelled": RFA3,
    "startFailed": RFA17,
    "userDeclinedCall": RFA3,
    "notSupportedByUserApp": RFA3,
    "transactionRiskBlocked": RFA22,
}

# HTTP errors (RP API v6.0 "Errors"). invalidParameters, unauthorized, notFound and
# the like are the relying party's fault: the person gets RFA22 and we log the code.
_ERRORS: dict[str, Promise] = {
    "alreadyInProgress": RFA4,
    "requestTimeout": RFA5,
    "maintenance": RFA5,
    "internalError": RFA5,
    "transport": UNAVAILABLE,
    "rateLimited": TOO_MANY,
}


def message_for_pending(hint_code: str, *, autostart: bool = False) -> Promise:
    table = _PENDING_AUTOSTART if autostart else _PENDING_QR
    return table.get(hint_code, RFA21)


def message_for_failed(hint_code: str) -> Promise:
    return _FAILED.get(hint_code, RFA22)


def message_for_error(error_code: str) -> Promise:
    return _ERRORS.get(error_code, RFA22)


PENDING_HINTS = tuple(_PENDING_QR)
FAILED_HINTS = tuple(_FAILED)
ERROR_CODES = (*_ERRORS, "invalidParameters", "unauthorized", "notFound", "unknown")
