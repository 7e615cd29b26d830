from __future__ import annotations

from django.urls import path

from hrm import views, views_connect

app_name = "hrm"

urlpatterns = [
    # One callback for every company: the company rides in the state.
    path("oidc/callback/", views_connect.callback, name="oidc_callback"),
    path("oidc/logged-out/", views_connect.logged_out, name="oidc_logged_out"),
    path("<slug:slug>/", views.home, name="home"),
    path("<slug:slug>/login/", views.login, name="login"),
    path("<slug:slug>/logout/", views.logout, name="logout"),
]
