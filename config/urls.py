from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config import devmail_views
from config.health import health

urlpatterns = [
    path("health/", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("idp.urls")),
    path("", include("idp.oidc.urls")),
    path("login/bankid/", include("idp.bankid.urls")),
    path("accounts/", include("allauth.urls")),
    path("saml/", include("idp.saml.urls")),
    path("hrm/", include("hrm.urls")),
    path("provisioning/", include("provisioning.urls")),
]

if settings.DEV_MAILBOX_ENABLED:
    devmail_patterns = (
        [
            path("", devmail_views.mailbox, name="list"),
            path("clear/", devmail_views.clear, name="clear"),
            path("<str:mail_id>/", devmail_views.message, name="message"),
            path("<str:mail_id>/html/", devmail_views.message_html, name="message_html"),
        ],
        "devmail",
    )
    urlpatterns.append(path("dev/mailbox/", include(devmail_patterns)))

if settings.BANKID_SIMULATOR_MOUNTED:
    from idp.bankid.simulator import views as bankid_simulator

    urlpatterns += [
        path("dev/bankid-simulator/", bankid_simulator.control, name="bankid_simulator"),
        path("dev/bankid-simulator/<path:path>", bankid_simulator.api),
    ]
