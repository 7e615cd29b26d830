"""The Celery app. Tasks live in each Django app's ``tasks.py`` and stay thin:
they load rows by id and call a service."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("connect")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
