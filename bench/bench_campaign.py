"""Benchmark: a preparation campaign for a large company, run by hand.

    DATABASE_URL=postgres://…/connect_bench CELERY_BROKER_URL=redis://…/N \\
        .venv/bin/python bench/bench_campaign.py --employees 100000

Makes the employees with ``demo_data --employees N`` (company ``storbolaget``),
resets that company's provisioning rows, starts ONE Celery worker (solo pool)
against a local counting SMTP sink, starts the campaign and reports:

- time to enqueue: from the start until every invitation decision (outbox row)
  is committed and its task queued (the campaign's last chunk);
- mails delivered per second, start to last mail;
- the worker's peak memory (VmHWM of the worker process);
- a baseline measured in the same run: Django's SMTP backend sending plain
  mails in a loop to the same sink, and the ratio campaign/baseline.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class CountingSink:
    """An aiosmtpd server that only counts (100,000 parsed mails would not fit in memory)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        from tests.support.smtp import free_port

        self.count = 0
        self.last_at = 0.0
        self.lock = threading.Lock()
        self.port = free_port()
        sink = self

        class Handler:
            async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
                with sink.lock:
                    sink.count += 1
                    sink.last_at = time.monotonic()
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--baseline-mails", type=int, default=500)
    args = parser.parse_args()
    if not os.environ.get("CELERY_BROKER_URL") or not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis)")
    queue = os.environ.setdefault("CELERY_QUEUE", "connect-bench")
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    subprocess.run([python, "manage.py", "demo_data", "--employees", str(args.employees)], cwd=ROOT, check=True)

    sink = CountingSink()
    os.environ.update({"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(sink.port)})
    import django

    django.setup()
    from django.core.mail import EmailMessage, get_connection

    from config.celery import app
    from hrm.models import Company, Employee
    from provisioning import services
    from provisioning.models import Campaign, CampaignStatus, CompanyMigration, Invitation, ProvisioningEvent

    company = Company.objects.get(slug="storbolaget")
    Invitation.objects.filter(company=company).delete()
    Campaign.objects.filter(company=company).delete()
    CompanyMigration.objects.filter(company=company).delete()
    ProvisioningEvent.objects.filter(company=company).delete()
    employees = Employee.objects.filter(company=company).count()

    # Baseline: the same sink, Django's SMTP backend, one connection per mail as the task does.
    started = time.monotonic()
    for n in range(args.baseline_mails):
        EmailMessage("baseline", "x" * 2000, to=[f"b{n}@example.com"], connection=get_connection()).send()
    baseline_rate = args.baseline_mails / (time.monotonic() - started)
    with sink.lock:
        sink.count = 0

    app.control.purge()
    worker = subprocess.Popen(
        [python, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue, "--without-gossip",
         "--without-mingle", "-l", "warning", "-n", f"bench-{os.getpid()}@%h"],
        # Production settings: DEBUG off (cached template loader, no query log).
        cwd=ROOT, env={**os.environ, "DEBUG": "0", "SECRET_KEY": "bench-" + os.urandom(16).hex(),
                       "SITE_URL": "https://connect.example.com"},
    )  # fmt: skip
    try:
        while not app.control.ping(timeout=0.5):
            time.sleep(0.2)
        started = time.monotonic()
        campaign = services.company_start_preparation(company=company, actor=None)
        enqueued_at = None
        expected = None
        while True:
            campaign.refresh_from_db()
            if enqueued_at is None and campaign.status == CampaignStatus.DONE:
                enqueued_at = time.monotonic()
                expected = campaign.queued
            if expected is not None and sink.count >= expected:
                break
            if worker.poll() is not None:
                sys.exit("the worker died")
            time.sleep(0.5)
        peak = peak_rss_mib(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        sink.controller.stop()
    assert enqueued_at is not None and expected is not None
    elapsed = sink.last_at - started
    rate = expected / elapsed
    print(f"employees={employees} mailed={expected} skipped={campaign.skipped}")
    print(f"time_to_enqueue_s={enqueued_at - started:.1f}")
    print(f"delivery_total_s={elapsed:.1f} mails_per_s={rate:.1f}")
    print(f"worker_peak_rss_mib={peak:.0f}")
    print(f"baseline_plain_smtp_mails_per_s={baseline_rate:.1f} ratio_campaign_to_baseline={rate / baseline_rate:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
