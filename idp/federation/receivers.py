"""A company IdP or one of its domains changed: this process reloads the domain
map (idp.federation.domains) at its next sign-in, every other within a second."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from idp.federation.domains import domains_changed
from idp.federation.models import FederatedDomain, IdentityProvider


@receiver(post_save, sender=IdentityProvider, dispatch_uid="federation.provider_saved")
@receiver(post_delete, sender=IdentityProvider, dispatch_uid="federation.provider_deleted")
@receiver(post_save, sender=FederatedDomain, dispatch_uid="federation.domain_saved")
@receiver(post_delete, sender=FederatedDomain, dispatch_uid="federation.domain_deleted")
def on_federation_changed(sender: Any, **kwargs: Any) -> None:
    domains_changed()  # now: this transaction's own later reads see the change
    transaction.on_commit(domains_changed)  # and after commit: no snapshot of the old rows survives
