"""Connect's settings, one module per concern.

``base`` holds Django itself; the others each configure one part of the
system and may read what ``base`` decided (``DEBUG``, ``SITE_URL``). Every
value comes from the environment (see ``config/env.py`` and the README).
"""

from .accounts import *  # noqa: F403
from .bankid import *  # noqa: F403
from .base import *  # noqa: F403
from .hrm import *  # noqa: F403
from .logs import *  # noqa: F403
from .oauth import *  # noqa: F403
from .provisioning import *  # noqa: F403
from .saml import *  # noqa: F403
from .security import *  # noqa: F403
from .tasks import *  # noqa: F403
