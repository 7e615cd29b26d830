from __future__ import annotations

from django.urls import path

from idp import views
from idp.mfa import views as mfa_views

app_name = "idp"

# The two sign-in steps sit at allauth's own login path: config.urls includes
# these before allauth's URLs, so "/accounts/login/" (URL name account_login,
# settings.LOGIN_URL) resolves to step 1 here, while every reverse("account_login")
# in allauth and elsewhere still produces that same path.
urlpatterns = [
    path("accounts/login/", views.login_email, name="login"),
    path("accounts/login/password/", views.login_password, name="login_password"),
    path("account/", views.account, name="account"),
    path("account/sessions/<str:handle>/end/", views.session_end, name="session_end"),
    path("account/two-factor/required/", mfa_views.mfa_required, name="mfa_required"),
    path("account/logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
]
