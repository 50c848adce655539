"""Where a VNeID error page can send the citizen back to: the service that sent them."""

from urllib.parse import urlsplit

from django.http import HttpRequest

from .models import OidcClient


def service_home(request: HttpRequest) -> str | None:
    """Return the origin of the registered redirect URI this request names, or None."""
    params = request.POST if request.method == "POST" else request.GET
    client_id, redirect_uri = params.get("client_id"), params.get("redirect_uri")
    # A NUL can be in no registered client (and PostgreSQL refuses it in a query).
    if not client_id or not redirect_uri or "\x00" in client_id:
        return None
    client = OidcClient.objects.filter(client_id=client_id, is_active=True).first()
    # Only an address the service registered: never send the citizen where a link says.
    if client is None or redirect_uri not in client.redirect_uri_list:
        return None
    parts = urlsplit(redirect_uri)
    return f"{parts.scheme}://{parts.netloc}/"
