"""The address of the person at the other end, behind the reverse proxies we run."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For, so with ``TRUSTED_PROXY_COUNT`` = N proxies in front the
    client is the N-th address from the right; anything left of it was written
    by the client and may be forged. With N = 0 the header is ignored.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
