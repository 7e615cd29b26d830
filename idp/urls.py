from __future__ import annotations

from django.urls import path

from idp import views

app_name = "idp"

urlpatterns = [
    path("account/", views.account, name="account"),
]
