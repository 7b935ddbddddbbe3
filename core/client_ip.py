"""The client's address: one answer for everything that limits or records by address.

Login lockout (django-axes, AXES_CLIENT_IP_CALLABLE) and the API's rate limits
(core.api.throttling, and DRF's NUM_PROXIES) all ask `client_ip`.

Behind reverse proxies REMOTE_ADDR is the nearest proxy's address, the same for every client.
Each proxy appends to X-Forwarded-For the address it received the request from, so with
TRUSTED_PROXY_COUNT = n proxies in front of the app the client is the n-th address from the
right of X-Forwarded-For (the outermost proxy wrote it). Whatever stands left of it came with
the request and anyone can write it: it is ignored. With 0 (clients connect to the app
directly) the header is ignored altogether and REMOTE_ADDR is the client.

A header with fewer addresses than n (a request that bypassed the outer proxies) gives its
left-most address, as DRF does. An address that is not one (a proxy writing "unknown", or a
count set higher than the proxies there are) gives REMOTE_ADDR, logged. Addresses come back
normalised ("::ffff:192.0.2.1" is "192.0.2.1"; a port is dropped), so one client is one key.
"""

import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def _address(value: str) -> str | None:
    """`value` as a normalised IP address, without a port or brackets; None if it is not one."""
    value = value.strip()
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # 192.0.2.1:443
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)


def client_ip(request) -> str | None:
    """The address of the client that sent `request` (a Django or DRF request)."""
    remote = request.META.get("REMOTE_ADDR") or ""
    remote_address = _address(remote)
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies == 0:
        return remote_address
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if not forwarded:
        return remote_address
    chosen = forwarded[-min(proxies, len(forwarded))]
    address = _address(chosen)
    if address is None:
        logger.warning(
            "X-Forwarded-For entry %r (TRUSTED_PROXY_COUNT=%s) is not an address; using REMOTE_ADDR %r",
            chosen[:64],
            proxies,
            remote,
        )
        return remote_address
    return address
