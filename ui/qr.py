"""QR codes of links, drawn in the app (segno: pure Python, no network, no image library).

A link for a QR code is built from what the server knows, never from the address a browser reports: the
public address is configured (`L1LAB_PUBLIC_URL`, e.g. https://lab.example.edu/l1/) or, without one, the
scheme, host and port of the reported address once they pass a strict check; the page path is the page the
server runs; the query holds the page's settings as validated. A link is then at most a few hundred
characters (a QR code of 300 characters costs about 20 ms of CPU, one of 2,000 about 200 ms) and the same
settings give the same link, so its PNG is drawn once and cached.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

import segno

MAX_LINK_CHARS = 2000  # a QR code at error level M holds about 2,300 bytes; past that it is unreadable anyway
PUBLIC_URL_ENV = "L1LAB_PUBLIC_URL"
FALLBACK_BASE = "http://localhost:8501/"
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")
_MAX_HOST_CHARS = 100
_PATH = re.compile(r"[A-Za-z0-9_-]{0,64}")


def link(base: str, params: Mapping[str, str]) -> str:
    """The address `base` (scheme, host, path) with `params` as its query string."""
    base = base.split("?", 1)[0].split("#", 1)[0]
    query = urlencode(dict(params))
    return f"{base}?{query}" if query else base


def origin(url: str | None) -> str | None:
    """'scheme://host[:port]/' of an http(s) address whose host is a plain name or IPv4 address of at most 100
    characters; None for anything else (credentials, IPv6, odd characters, a bad port, not a string)."""
    if not isinstance(url, str) or len(url) > MAX_LINK_CHARS:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or parts.username or parts.password:
        return None
    if len(host) > _MAX_HOST_CHARS or not _HOST.fullmatch(host):
        return None
    return f"{parts.scheme}://{host}{f':{port}' if port else ''}/"


def public_base(reported: str | None, environ: Mapping[str, str] | None = None) -> str:
    """Where students reach the app: the configured public URL (path prefix kept), else the origin of the address
    the browser reports, else http://localhost:8501/. Always ends with '/'."""
    configured = (os.environ if environ is None else environ).get(PUBLIC_URL_ENV, "").strip()
    if configured:
        return configured.split("?", 1)[0].split("#", 1)[0].rstrip("/") + "/"
    return origin(reported) or FALLBACK_BASE


def page_link(base: str, page_path: str, params: Mapping[str, str]) -> str:
    """`base` + the page's path + the settings as the query; a page path that is not a plain name is dropped."""
    path = page_path if _PATH.fullmatch(page_path or "") else ""
    return link(base + path, params)


def qr_png(url: str, scale: int = 8) -> bytes:
    """A PNG of the QR code for `url` (error correction M, quiet zone included); ValueError if it cannot hold it."""
    if not url or len(url) > MAX_LINK_CHARS:
        raise ValueError(f"a link for a QR code has 1 to {MAX_LINK_CHARS} characters, got {len(url)}")
    if not 1 <= scale <= 40:
        raise ValueError(f"scale is 1 to 40 pixels per module, got {scale}")
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
