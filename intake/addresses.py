"""Which addresses a fetch may reach: public ones only.

A report's URL is typed by an editor, or comes from a feed anyone can write; fetched from the
server, a URL that names a loopback, private or link-local address would read what only the
server can reach (its admin ports, a cloud's metadata service at 169.254.169.254). So every
address a host resolves to must be global. IPv6 forms that carry an IPv4 address (mapped
::ffff:10.0.0.1, NAT64 64:ff9b::a00:1, 6to4 2002:a00:1::) are judged by the address they carry.
"""

import ipaddress

NAT64 = ipaddress.ip_network("64:ff9b::/96")


def refused_address(value: str) -> str | None:
    """Why `value` may not be fetched from ("a private address"), or None if it is public."""
    try:
        address = ipaddress.ip_address(value.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    except ValueError:
        return "not an address"
    if isinstance(address, ipaddress.IPv6Address):
        carried = address.ipv4_mapped or address.sixtofour
        if carried is None and address in NAT64:
            carried = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if carried is not None:
            return refused_address(str(carried))
    for refused, reason in (
        (address.is_unspecified, "an unspecified address"),
        (address.is_loopback, "this machine's own (loopback) address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "an address that is not public"),
    ):
        if refused:
            return reason
    return None
