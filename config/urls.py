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
    path("accounts/", include("allauth.urls")),
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
