from django.conf import settings


def portal(request):
    """Expose what every page's header needs without touching the database."""
    return {"sandbox_enabled": settings.SANDBOX_ENABLED}
