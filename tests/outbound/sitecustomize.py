"""Loaded by a server process started with this folder on PYTHONPATH (tests/test_no_outbound.py).

When OUTBOUND_LOG names a file, an audit hook appends one line to it for every attempt the process makes
to reach another machine: a socket connect to an address that is not loopback (TCP or UDP: a UDP connect
sends nothing, but it is how Streamlit asks for its "network" address), and a name lookup of a host that
is not local. The attempt is then refused (OSError), so a test never sends anything off the machine, even
when the app regresses; the test reads the file.
"""

import ipaddress
import os
import sys

_LOG = os.environ.get("OUTBOUND_LOG")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_local(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host).strip("[]").split("%")[0]
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a host name to resolve: that lookup leaves the machine
    return address.is_loopback or address.is_unspecified


def _hook(event: str, args: tuple) -> None:
    if event == "socket.connect":
        address = args[1]
        host = address[0] if isinstance(address, tuple) else None  # a str or bytes address is a Unix socket
    elif event == "socket.getaddrinfo":
        host = args[0]
    else:
        return
    if not _is_local(host):
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{event} {host!r} {args[1:] if event == 'socket.getaddrinfo' else args[1]!r}\n")
        raise OSError(f"tests/outbound: no connection off this machine ({event} {host!r})")


if _LOG:
    sys.addaudithook(_hook)
