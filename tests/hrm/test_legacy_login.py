"""HRM's own login, as it works before the migration (and stops working after)."""

from __future__ import annotations

import pytest
from django.test import Client

from hrm import services
from hrm.models import HrmSession, LoginMethod
from tests.factories import PASSWORD, CompanyFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


def login(client: Client, slug: str, username: str, password: str = PASSWORD) -> object:
    return client.post(f"/hrm/{slug}/login/", {"username": username, "password": password})


def test_an_employee_logs_in_and_sees_their_own_record(client: Client) -> None:
    employee = EmployeeFactory(first_name="Bertil", last_name="Berg", email="bertil@example.com")
    response = login(client, employee.company.slug, employee.legacy_username)
    assert response.status_code == 302
    assert response["Location"] == f"/hrm/{employee.company.slug}/"
    home = client.get(response["Location"]).content.decode()
    assert "Bertil Berg" in home
    assert "bertil@example.com" in home
    assert "Employees" not in home and "Anställda" not in home


def test_an_hrm_administrator_also_sees_the_company_employees(client: Client) -> None:
    admin = EmployeeFactory(is_hrm_admin=True)
    colleague = EmployeeFactory(company=admin.company, first_name="Zelda", last_name="Zorn")
    stranger = EmployeeFactory(first_name="Other", last_name="Company")
    login(client, admin.company.slug, admin.legacy_username)
    home = client.get(f"/hrm/{admin.company.slug}/").content.decode()
    assert colleague.full_name in home
    assert stranger.full_name not in home


@pytest.mark.parametrize("case", ["wrong password", "unknown user", "inactive"])
def test_failed_logins_all_say_the_same(client: Client, case: str) -> None:
    employee = EmployeeFactory(is_active=case != "inactive")
    username = "nobody" if case == "unknown user" else employee.legacy_username
    password = "wrong" if case == "wrong password" else PASSWORD
    client.cookies["connect_language"] = "en"
    response = login(client, employee.company.slug, username, password)
    assert response.status_code == 401
    assert "Wrong username or password." in response.content.decode()
    assert not HrmSession.objects.exists()


def test_a_session_is_bound_to_its_company(client: Client) -> None:
    employee = EmployeeFactory()
    other = CompanyFactory()
    login(client, employee.company.slug, employee.legacy_username)
    assert client.get(f"/hrm/{employee.company.slug}/").status_code == 200
    assert client.get(f"/hrm/{other.slug}/")["Location"] == f"/hrm/{other.slug}/login/"


def test_logout_ends_the_session(client: Client) -> None:
    employee = EmployeeFactory()
    login(client, employee.company.slug, employee.legacy_username)
    client.post(f"/hrm/{employee.company.slug}/logout/")
    assert not HrmSession.objects.exists()
    assert client.get(f"/hrm/{employee.company.slug}/").status_code == 302


def test_deactivating_an_employee_ends_their_sessions_at_once(client: Client) -> None:
    employee = EmployeeFactory()
    login(client, employee.company.slug, employee.legacy_username)
    services.employee_deactivate(employee=employee)
    assert client.get(f"/hrm/{employee.company.slug}/").status_code == 302


def test_the_session_cookie_holds_no_database_secret(client: Client) -> None:
    employee = EmployeeFactory()
    login(client, employee.company.slug, employee.legacy_username)
    token = client.cookies["hrm_session"].value
    assert not HrmSession.objects.filter(token_hash=token).exists()
    assert client.cookies["hrm_session"]["httponly"]
    assert client.cookies["hrm_session"]["path"] == f"/hrm/{employee.company.slug}/"


def test_a_company_on_connect_refuses_the_legacy_form_even_with_the_right_password(client: Client) -> None:
    employee = EmployeeFactory()
    services.company_set_login_method(company=employee.company, method=LoginMethod.CONNECT)
    client.cookies["connect_language"] = "en"
    response = login(client, employee.company.slug, employee.legacy_username)
    assert response.status_code == 410
    assert "Flex HRM now uses Connect" in response.content.decode()
    assert not HrmSession.objects.exists()


def test_unknown_company_is_a_plain_404(client: Client) -> None:
    assert client.get("/hrm/no-such-company/login/").status_code == 404


def test_the_admin_deactivation_ends_hrm_sessions_at_once(client: Client) -> None:
    from tests.factories import UserFactory

    employee = EmployeeFactory(legacy_username="leaver")
    browser = Client()
    browser.post(f"/hrm/{employee.company.slug}/login/", {"username": "leaver", "password": PASSWORD})
    assert browser.get(f"/hrm/{employee.company.slug}/").status_code == 200
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.post("/admin/hrm/employee/", {"action": "deactivate", "_selected_action": [employee.pk]})
    assert not HrmSession.objects.filter(employee=employee).exists()
    assert browser.get(f"/hrm/{employee.company.slug}/").status_code == 302
