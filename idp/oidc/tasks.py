from __future__ import annotations

from celery import shared_task

from idp.oidc.keys import keys_rotate


@shared_task(name="idp.oidc.keys_rotate")
def rotate_signing_keys() -> None:
    """Daily: publish the next key, promote it when due, drop expired retired keys."""
    keys_rotate()
