"""ui.qr: a QR code's link is built from what the server holds: the configured public address or a checked origin,
the page the server runs, the page's validated settings. Nothing the browser reports can make it long or new."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from ui import qr


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        ("http://localhost:8501/signed_l1?s_lr=0.1", "http://localhost:8501/"),
        ("https://lab.example.edu/noise_and_learning_rate", "https://lab.example.edu/"),
        ("http://10.0.0.7:8600/", "http://10.0.0.7:8600/"),
        ("http://" + "a" * 2000 + ".example/", qr.FALLBACK_BASE),  # too long a host
        ("https://user:secret@lab.example.edu/", qr.FALLBACK_BASE),  # credentials
        ("javascript:alert(1)", qr.FALLBACK_BASE),
        ("http://exa mple.org/", qr.FALLBACK_BASE),
        ("http://lab.example.edu:99999/", qr.FALLBACK_BASE),  # no such port
        ("http://[::1]:8501/", qr.FALLBACK_BASE),
        ("", qr.FALLBACK_BASE),
        (None, qr.FALLBACK_BASE),
    ],
)
def test_the_base_is_a_checked_origin_of_the_reported_address(reported, expected):
    assert qr.public_base(reported, environ={}) == expected


def test_a_configured_public_address_wins_and_keeps_its_path():
    env = {qr.PUBLIC_URL_ENV: "https://lab.example.edu/l1?x=1"}
    assert qr.public_base("http://attacker.example/", environ=env) == "https://lab.example.edu/l1/"


@given(st.text(max_size=3000))
def test_no_reported_address_makes_a_base_longer_than_a_host_allows(reported):
    base = qr.public_base(reported, environ={})
    assert len(base) <= len("https://") + 100 + len(":65535/") and base.endswith("/")


def test_the_page_path_is_a_plain_name_or_nothing():
    assert qr.page_link("http://h/", "signed_l1", {"room": "K7QM2D"}) == "http://h/signed_l1?room=K7QM2D"
    assert qr.page_link("http://h/", "../../x?y", {}) == "http://h/"


def _link_page() -> None:
    import streamlit as st

    from ui.controls import enter_page, restore, sync_url
    from ui.lessons.registry import LESSONS
    from ui.poll import view

    lesson = LESSONS[1].lesson
    enter_page(lesson.page)
    st.code(view._current_link(""))  # the sidebar, before the page has written its settings
    restore(lesson.controls)
    sync_url(lesson.controls)
    st.code(view._current_link("K7QM2D"))


def test_the_link_holds_the_pages_validated_settings_never_the_query_the_browser_sent():
    from ui.lessons.registry import LESSONS

    lesson = LESSONS[1].lesson
    moved = next(c for c in lesson.controls if c.kind == "float")
    value = moved.hi
    at = AppTest.from_function(_link_page)
    at.query_params.update({moved.key: moved.to_url(value), "junk": "x" * 60, "present": "true"})
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    before, after = (c.value for c in at.code)
    assert before == f"{qr.FALLBACK_BASE}{lesson.page}"
    assert after == f"{qr.FALLBACK_BASE}{lesson.page}?{moved.key}={moved.to_url(value)}&room=K7QM2D"
