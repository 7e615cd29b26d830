from __future__ import annotations

from django.urls import path
from oauth2_provider import views as dot_views

from idp.oidc import views, views_account

app_name = "oauth2_provider"  # the toolkit reverses its endpoints under this namespace

urlpatterns = [
    path(".well-known/openid-configuration", views.discovery, name="oidc-connect-discovery-info"),
    path(".well-known/oauth-authorization-server", views.server_metadata, name="oauth-server-metadata"),
    path("o/authorize/", views.AuthorizationView.as_view(), name="authorize"),
    path("o/token/", dot_views.TokenView.as_view(), name="token"),
    path("o/revoke/", dot_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("o/introspect/", views.IntrospectView.as_view(), name="introspect"),
    path("o/userinfo/", dot_views.UserInfoView.as_view(), name="user-info"),
    path("o/jwks/", views.jwks, name="jwks-info"),
    path("o/logout/", views.LogoutView.as_view(), name="rp-initiated-logout"),
    path("account/applications/", views_account.applications, name="connected-applications"),
]
