from __future__ import annotations

from django.urls import path

from idp.saml import views

app_name = "idp_saml"

urlpatterns = [
    path("metadata/", views.metadata, name="metadata"),
    path("sso/redirect/", views.sso_endpoint, {"binding": "redirect"}, name="sso_redirect"),
    path("sso/post/", views.sso_endpoint, {"binding": "post"}, name="sso_post"),
    path("sso/continue/<str:token>/", views.sso_continue, name="sso_continue"),
    path("start/", views.idp_initiated, name="idp_initiated"),
    path("slo/redirect/", views.slo_endpoint, {"binding": "redirect"}, name="slo_redirect"),
    path("slo/post/", views.slo_endpoint, {"binding": "post"}, name="slo_post"),
    path("slo/continue/", views.slo_continue, name="slo_continue"),
]
