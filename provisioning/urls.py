from __future__ import annotations

from django.urls import path

from provisioning import views

app_name = "provisioning"

urlpatterns = [
    path("verify/<int:pk>/<str:token>/", views.verify, name="verify"),
    path("new-link/<int:pk>/", views.new_link, name="new_link"),
    path("password/", views.password, name="password"),
    path("banner/resend/", views.banner_resend, name="banner_resend"),
]
