"""WSGI entry of the third portal (gunicorn tests.integration.third_portal.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.integration.third_portal.settings")
application = get_wsgi_application()
