"""Extension points through which other apps add to HRM's pages without HRM
importing them (the dependency points one way: provisioning → hrm).

A banner provider takes the request and the logged-in employee and returns
rendered HTML or ``""``. Providers register in their ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from hrm.models import Employee

BannerProvider = Callable[[HttpRequest, Employee], SafeString | str]

_banner_providers: list[BannerProvider] = []


def register_home_banner(provider: BannerProvider) -> None:
    if provider not in _banner_providers:
        _banner_providers.append(provider)


def home_banners(request: HttpRequest, employee: Employee) -> list[SafeString | str]:
    return [html for provider in _banner_providers if (html := provider(request, employee))]
