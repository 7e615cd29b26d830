from __future__ import annotations

import os
import sys

from config.env import ConfigError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

try:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
except ConfigError as exc:
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(2)
