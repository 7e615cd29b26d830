from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project package doubles as an app for its pages (health, dev mailbox)."""

    name = "config"
    verbose_name = "Connect"
