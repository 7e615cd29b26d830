from __future__ import annotations

from django.urls import path

from idp.bankid import views

app_name = "bankid"

urlpatterns = [
    path("", views.start, name="start"),
    path("status/", views.status, name="status"),
    path("qr.svg", views.qr, name="qr"),
    path("cancel/", views.cancel, name="cancel"),
]
