"""Shared steps of the provisioning tests: start a campaign, read links from real mail."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from email.message import EmailMessage
from urllib.parse import urlsplit

from django.core.management import call_command

from hrm.models import Company
from provisioning.models import Campaign, CampaignStatus
from tests.support.smtp import SmtpSink, body_html, body_text

LINK = re.compile(r"https?://[^\s\"<>]+/provisioning/verify/\d+/[0-9a-f]+/")


def start(company: Company) -> None:
    call_command("provisioning", "start", "--company", company.slug)


def link_in(message: EmailMessage) -> str:
    text_links = LINK.findall(body_text(message))
    html_links = LINK.findall(body_html(message))
    assert text_links and set(text_links) == set(html_links), "the text and HTML parts carry the same link"
    return text_links[0]


def path_of(url: str) -> str:
    return urlsplit(url).path


def mail_for(mailbox: SmtpSink, address: str, *, count: int = 1) -> EmailMessage:
    """The newest of ``count`` mails to ``address`` (waits for the worker)."""
    mailbox.wait_for(lambda msgs: len([m for m in msgs if address.lower() in str(m["To"]).lower()]) >= count)
    return mailbox.to(address)[-1]


def wait_until(condition: Callable[[], bool], *, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the worker")
        time.sleep(0.1)


def campaign_done(company: Company) -> bool:
    return Campaign.objects.filter(company=company, status=CampaignStatus.DONE).exists()
