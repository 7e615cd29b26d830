"""Celery. No broker configured: tasks run eagerly in the calling process."""

from __future__ import annotations

from celery.schedules import crontab

from config.env import env_str

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "connect")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only after it ran, so a worker that dies mid-task
# leaves it to another worker; tasks are written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "Europe/Stockholm"
# Keep our key=value log format in workers too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Every periodic job, in one place.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "audit-prune": {"task": "idp.audit.prune", "schedule": crontab(hour=3, minute=17)},
    # Publish the next signing key, promote it when due, drop expired ones.
    "oidc-keys-rotate": {"task": "idp.oidc.keys_rotate", "schedule": crontab(hour=2, minute=43)},
    # Mails whose task was lost (broker outage) and stalled campaigns go out again.
    "provisioning-outbox-requeue": {"task": "provisioning.outbox_requeue", "schedule": 120.0},
    "provisioning-invitations-expire": {"task": "provisioning.invitations_expire", "schedule": crontab(minute=7)},
}
