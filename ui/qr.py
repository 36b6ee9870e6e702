"""QR codes of links, drawn in the app (segno: pure Python, no network, no image library)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from urllib.parse import urlencode

import segno

MAX_LINK_CHARS = 2000  # a QR code at error level M holds about 2,300 bytes; past that it is unreadable anyway


def link(base: str, params: Mapping[str, str]) -> str:
    """The address `base` (scheme, host, path) with `params` as its query string."""
    base = base.split("?", 1)[0].split("#", 1)[0]
    query = urlencode(dict(params))
    return f"{base}?{query}" if query else base


def qr_png(url: str, scale: int = 8) -> bytes:
    """A PNG of the QR code for `url` (error correction M, quiet zone included); ValueError if it cannot hold it."""
    if not url or len(url) > MAX_LINK_CHARS:
        raise ValueError(f"a link for a QR code has 1 to {MAX_LINK_CHARS} characters, got {len(url)}")
    if not 1 <= scale <= 40:
        raise ValueError(f"scale is 1 to 40 pixels per module, got {scale}")
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
