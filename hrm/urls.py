from __future__ import annotations

from django.urls import path

from hrm import views

app_name = "hrm"

urlpatterns = [
    path("<slug:slug>/", views.home, name="home"),
    path("<slug:slug>/login/", views.login, name="login"),
    path("<slug:slug>/logout/", views.logout, name="logout"),
]
