"""BankID's animated QR code, computed on the server once per second.

The QR content is ``bankid.<qrStartToken>.<time>.<qrAuthCode>`` where ``time``
is the whole number of seconds since the order started and ``qrAuthCode`` is
HMAC-SHA256(key=qrStartSecret, message=time) in hex (BankID "QR codes",
RP API v6.0). The secret stays on the server: the browser only ever gets the
resulting code, which is worthless a second later.
"""

from __future__ import annotations

import hashlib
import hmac
import io
from urllib.parse import urlencode

import segno


def qr_data(*, qr_start_token: str, qr_start_secret: str, seconds: int) -> str:
    code = hmac.new(qr_start_secret.encode(), str(seconds).encode(), hashlib.sha256).hexdigest()
    return f"bankid.{qr_start_token}.{seconds}.{code}"


def qr_svg(data: str) -> str:
    """A standalone SVG document (with its namespace, so it works as an <img> source)."""
    out = io.BytesIO()
    # Error correction L keeps the modules large; BankID's app scans it reliably.
    segno.make_qr(data, error="l").save(out, kind="svg", scale=6, border=4, dark="#000", light="#fff", xmldecl=False)
    return out.getvalue().decode()


def autostart_url(auto_start_token: str) -> str:
    # BankID "Autostart": same device, ``redirect=null`` so the app does not open a new browser tab.
    return "bankid:///?" + urlencode({"autostarttoken": auto_start_token, "redirect": "null"})
