"""WSGI entry point. A misconfigured production refuses to start (``core.checks``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "footprint.config.settings")
application = get_wsgi_application()

from footprint.core.checks import refuse_to_start_if_misconfigured  # noqa: E402

refuse_to_start_if_misconfigured()
