from __future__ import annotations

import json

import pytest
from django.core import mail as django_mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from hrm.models import Company, Employee
from idp.models import User


@pytest.mark.django_db
def test_health_reports_each_dependency(client: Client) -> None:
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    assert body["checks"]["broker"] in {"ok", "eager"}


@pytest.mark.django_db
def test_every_page_carries_the_security_headers(client: Client) -> None:
    response = client.get("/hrm/acme/login/", follow=False)  # 404 page is a page too
    for resp in (response, client.get("/health/")):
        assert "frame-ancestors 'none'" in resp["Content-Security-Policy"]
        assert resp["X-Content-Type-Options"] == "nosniff"
        assert resp["X-Frame-Options"] == "DENY"
        assert resp["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.django_db
def test_demo_data_is_idempotent_and_has_realistic_trouble(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo_data")
    first = json.loads(capsys.readouterr().out)
    call_command("demo_data")
    second = json.loads(capsys.readouterr().out)
    assert first["created"]["companies"] == 2
    assert second["created"] == {"companies": 0, "employees": 0, "accounts": 0}
    acme = Company.objects.get(slug="acme")
    assert Employee.objects.filter(company=acme, email="").exists()
    assert Employee.objects.filter(company=acme, email="lager@acme.example").count() == 2
    assert Employee.objects.filter(company=acme, is_active=False).exists()
    assert Employee.objects.filter(company=acme, is_hrm_admin=True).exists()
    # The personal identity number is never stored readable.
    assert all(e.personal_number_masked.endswith("-****") for e in Employee.objects.filter(company=acme))
    assert User.objects.filter(is_superuser=True).count() == 1


@pytest.mark.django_db
def test_demo_data_scales_in_bulk(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo_data", "--employees", "2500")
    call_command("demo_data", "--employees", "3000")
    assert Employee.objects.filter(company__slug="storbolaget").count() == 3000


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND="config.devmail.DevMailboxBackend")
def test_dev_mailbox_shows_sent_mail_with_clickable_links(client: Client, tmp_path: object, settings: object) -> None:
    settings.DEV_MAILBOX_DIR = tmp_path  # type: ignore[attr-defined]
    message = django_mail.EmailMultiAlternatives(
        "Verifiera din e-post", "Öppna http://localhost:8000/x/ för att fortsätta", to=["anna@example.com"]
    )
    message.attach_alternative("<p><a href='http://localhost:8000/x/'>Verifiera</a></p>", "text/html")
    message.send()
    listing = client.get(reverse("devmail:list"))
    assert "Verifiera din e-post" in listing.content.decode()
    mail_id = next(iter(tmp_path.glob("*.eml"))).stem  # type: ignore[attr-defined]
    detail = client.get(reverse("devmail:message", args=[mail_id])).content.decode()
    assert '<a href="http://localhost:8000/x/"' in detail
    html = client.get(reverse("devmail:message_html", args=[mail_id]))
    assert b"Verifiera" in html.content
    assert client.get("/dev/mailbox/..%2F..%2Fetc%2Fpasswd/").status_code == 404
    assert client.get(reverse("devmail:message", args=["20990101T000000-deadbeef"])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("sv", "Logga in"), ("en", "Log in")])
def test_pages_speak_swedish_and_english(client: Client, language: str, text: str) -> None:
    Company.objects.create(slug="acme", name="Acme AB")
    client.cookies["connect_language"] = language
    body = client.get("/hrm/acme/login/").content.decode()
    assert f'<html lang="{language}">' in body
    assert text in body
