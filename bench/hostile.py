"""Hostile visitors over Streamlit's own protocol: every widget on every page gets values no browser
would send, and the server's CPU time is measured message by message.

A real tab can only send what its widgets allow; a websocket client can send anything. For every
control on every page (`ui.lessons.registry.controls_by_page`: its range and options) this sends out-of-range,
wrong-type, huge, empty and unknown values; every other widget (questions, buttons, the step-through)
gets values of every wrong type; the outliers table gets pastes of 10, 2,000 and 30,000 rows and
edits at rows and columns that do not exist; then states for 5,000 widgets that do not exist, a link
of 20,000 parameters, a 3 MB message (outliers), "QR code of this link" with a new 2,000-character address each
time, and the "clear cache" message any client can send;
last, new sessions whose first message (a browser sends no widget state there) already holds forged values
for every widget, strings up to the 1 MB limit, or (outliers) a paste of 30,000 rows and one of 1 MB.
After each message, a valid change on the same session must run cleanly. It prints what raised or
stuck, and the worst server CPU time one message cost (read from /proc/<pid>/stat before and after
it; target <= 0.5 s).

    python -m bench.hostile [--page outliers ...]

Over 400 lines: every hostile round (junk values, first messages, QR links, cache clears) shares one session driver
and one record.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from websockets.exceptions import ConnectionClosed

from bench.protocol import Session, StuckSession
from bench.serve import streamlit_server

PAGES = ("home", "derivation", "signed_l1", "noise_and_learning_rate", "outliers", "landscape")
REVEALS = ("_skip", "_open", "_show")  # toggles and boxes that show more of a page: turned on first
EDITOR_PREFIX = "o_editor_"
TARGET_CPU_SECONDS = 0.5
NAN, INF = float("nan"), float("inf")

# Any widget, any kind: values of every field a WidgetState can carry, most of them the wrong type for it.
WRONG_TYPES: list[dict] = [
    {"string_value": "abc"},
    {"string_value": ""},
    {"string_value": "x" * 20_000},  # huge for a widget; 40 of them in one message stay under the 1 MB limit
    {"bool_value": True},
    {"int_value": 2**62},
    {"int_value": -1},
    {"double_value": NAN},
    {"double_value": 1e308},
    {"double_array_value": [1e308]},
    {"double_array_value": [NAN]},
    {"double_array_value": []},
    {"int_array_value": [999_999]},
    {"int_array_value": [-1]},
    {"string_array_value": ["no such option"]},
    {"string_array_value": []},
    {"json_value": "{"},
    {"json_value": "[]"},
    {"trigger_value": True},
    {"bytes_value": b"\x00\xff"},
]
# One of each field, for a quick pass (tests/test_hostile.py): unknown, empty, huge, not finite, out of range.
LEAN_WRONG_TYPES: list[dict] = [WRONG_TYPES[i] for i in (0, 1, 3, 4, 6, 8, 11, 13, 15, 17, 18)]


def controls_by_page() -> dict[str, dict]:
    """Each page's Controls, as the page declares them (ui.lessons.registry.controls_by_page), for PAGES."""
    from ui.lessons.registry import controls_by_page as declared

    by_page = declared()
    return {page: by_page[page] for page in PAGES}


def bad_values(control) -> list[dict]:
    """Values of the field this control's widget sends, which it must refuse: out of range, huge, not finite,
    empty, too many, not one of the options."""
    if control.kind in ("float", "int"):
        span = control.hi - control.lo
        values = [[control.lo - span - 1], [control.hi + span + 1], [1e308], [-1e308], [NAN], [INF], [], [1, 2, 3]]
        if control.kind == "int":
            values.append([control.lo + 0.5])
        return [{"double_array_value": v} for v in values]
    if control.kind == "log":
        return [
            {"string_array_value": v}
            for v in ([f"{max(control.options) * 1000:g}"], ["abc"], [], ["", ""], [str(control.options[0])] * 3)
        ] + [{"int_array_value": [len(control.options) + 5]}, {"int_array_value": [-1]}]
    if control.kind == "choice":
        return [{"string_value": v} for v in ("no such option", "", "9" * 10_000, f"{control.options[0]} ")]
    if control.kind == "text":
        return [{"string_value": v} for v in ("abc", "!" * 10_000, "<script>")]
    return []  # bool: every value of its own field is valid


def editor_cases(columns: Iterable[str] = ("x", "y")) -> list[tuple[str, str]]:
    """(name, the data editor's JSON state) for pastes and impossible edits of the outliers table."""
    x, y = columns

    def paste(n: int) -> str:
        return json.dumps({"edited_rows": {}, "added_rows": [{x: i % 97, y: (i * 7) % 89} for i in range(n)]})

    return [
        ("paste 10 rows", paste(10)),
        ("paste 2,000 rows", paste(2000)),
        ("paste 30,000 rows", paste(30_000)),
        ("edit row 999999", json.dumps({"edited_rows": {"999999": {x: 1.0}}})),
        ("edit row -1", json.dumps({"edited_rows": {"-1": {x: 1.0}}})),
        ("edit a column that does not exist", json.dumps({"edited_rows": {"0": {"no such column": 1.0}}})),
        ("edit a cell to a non-number", json.dumps({"edited_rows": {"0": {x: "abc", y: [1, 2]}}})),
        ("edit a cell to 1e308", json.dumps({"edited_rows": {"1": {x: 1e308, y: "NaN"}}})),
        ("delete row 999999", json.dumps({"deleted_rows": [999_999, -5, "a"]})),
        ("add a row with unknown columns", json.dumps({"added_rows": [{"zz": 1}, [1, 2], "row"]})),
        ("edits of the wrong shape", json.dumps({"edited_rows": [], "added_rows": {}, "deleted_rows": "all"})),
        ("not JSON", "{not json"),
        ("JSON that is not an object", "[1, 2, 3]"),
    ]


MESSAGE_BUDGET = 1_000_000  # bytes: server.maxWidgetStateSize (1 MB); a first message is built just under it


def first_message_cases(ids: dict[str, str], lean: bool = False) -> list[tuple[str, dict[str, dict]]]:
    """(name, {widget id: state}) for a session's first message, which no browser fills: every widget of a page
    (`ids`, key -> id, as an earlier session of the same page drew them) gets a forged value at once, a long
    string each up to the message limit, and (outliers) the table gets a 30,000-row paste and one of 1 MB.
    `lean`: of the forged values only a string, an index past any options and JSON that does not parse."""
    forged = [LEAN_WRONG_TYPES[i] for i in (0, 6, 8)] if lean else LEAN_WRONG_TYPES
    cases = [(f"every widget: {_describe('', w).strip()}", {i: w for i in ids.values()}) for w in forged]
    each = (MESSAGE_BUDGET - 20_000) // max(len(ids), 1) - 100
    cases.append(
        (f"every widget: a {each:,}-character string", {i: {"string_value": "x" * each} for i in ids.values()})
    )
    editor = next((i for k, i in ids.items() if k.startswith(EDITOR_PREFIX)), None)
    if editor is not None:
        rows = (MESSAGE_BUDGET - 50_000) // len(json.dumps({"x": 96, "y": 88}) + ", ")
        for name, n in (("paste 30,000 rows", 30_000), (f"paste {rows:,} rows (1 MB)", rows)):
            paste = json.dumps({"edited_rows": {}, "added_rows": [{"x": i % 97, "y": (i * 7) % 89} for i in range(n)]})
            cases.append((f"the table: {name}", {editor: {"string_value": paste}}))
    return cases


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Finding:
    page: str
    what: str  # e.g. "n_lr string_value='abc'"
    problem: str  # the exception, or "stuck", or "valid change failed: ..."


@dataclass
class Report:
    messages: int = 0
    findings: list[Finding] = field(default_factory=list)
    cpu: list[tuple[float, str]] = field(default_factory=list)  # (server CPU seconds, message), hostile messages
    valid_cpu: list[tuple[float, str]] = field(default_factory=list)  # the same for the valid changes after them
    notes_seen: int = 0  # visible notes saying a sent value was refused


def _describe(key: str, state: dict) -> str:
    ((name, value),) = state.items()
    shown = repr(value)
    return f"{key} {name}={shown[:40]}{'…' if len(shown) > 40 else ''}"


class Attack:
    """One page, one session: sends bad values and checks that a valid change still runs cleanly after."""

    def __init__(self, url: str, page: str, pid: int | None, report: Report, timeout: float = 60.0):
        self.url, self.page, self.pid, self.report = url, page, pid, report
        self.session = Session(url, page, timeout=timeout)
        self.good: dict = {}
        self.moves = 0

    async def _send(self, what: str, rerun, valid: bool = False) -> list[str]:
        """Run one message; return the exceptions it showed (or raise StuckSession)."""
        before, cpu = len(self.session.exceptions), cpu_seconds(self.pid) if self.pid else 0.0
        await rerun()
        self.report.messages += 1
        if self.pid:
            spent = cpu_seconds(self.pid) - cpu
            (self.report.valid_cpu if valid else self.report.cpu).append((spent, f"{self.page}: {what}"))
        self.report.notes_seen += sum("ignored" in a for a in self.session.alerts)
        return self.session.exceptions[before:]

    async def _attempt(self, what: str, rerun) -> None:
        """One hostile message: what it raised, or that it stuck, becomes a finding (`_send` measures it)."""
        try:
            failed = await self._send(what, rerun)
        except StuckSession as stuck:
            failed = [f"stuck: {stuck}"]
        if failed:
            self.report.findings.append(Finding(self.page, what, failed[0][:160]))

    async def open(self) -> None:
        await self.session.open()
        for _ in range(3):  # a revealed section may hold more reveals
            for key in sorted(k for k in self.session.shown if k.endswith(REVEALS)):
                if self.session.widgets.get(self.session.ids[key]) is None:
                    await self.session.set(key, True)
        self.good = dict(self.session.widgets)

    def targets(self) -> list[str]:
        return sorted(k for k in self.session.shown if not k.startswith(EDITOR_PREFIX))

    async def valid_change(self, what: str) -> bool:
        """Back to the good states, then one valid change (a slider to 1 or 2, in every page's range, never the
        value it had): it must run without an exception."""
        self.session.widgets = dict(self.good)
        slider = next((k for k in sorted(self.session.shown) if k.endswith(("_w0", "_drag", "_w", "_sigma"))), None)
        self.moves += 1
        try:
            if slider is not None:
                value = 1.0 + self.moves % 2
                failed = await self._send(f"valid change after {what}", lambda: self.session.set(slider, value), True)
            else:
                failed = await self._send(f"valid change after {what}", self.session.rerun, True)
        except StuckSession as stuck:
            self.report.findings.append(Finding(self.page, what, f"valid change stuck: {stuck}"))
            return False
        if failed:
            self.report.findings.append(Finding(self.page, what, f"valid change failed: {failed[0][:160]}"))
        return not failed

    async def one(self, key: str, state: dict) -> bool:
        """One bad value for one widget; True if neither it nor the valid change after it raised or stuck."""
        what = _describe(key, state)
        try:
            failed = await self._send(what, lambda: self.session.send(key, **state))
        except StuckSession as stuck:
            self.report.findings.append(Finding(self.page, what, f"stuck: {stuck}"))
            return False
        if failed:
            self.report.findings.append(Finding(self.page, what, failed[0][:160]))
        return await self.valid_change(what) and not failed

    async def batch(self, plan: dict[str, list[dict]]) -> None:
        """Round r sends every widget's r-th bad value in one message; a round that fails is retried value by
        value, so a finding names the widget and the value."""
        for r in range(max((len(v) for v in plan.values()), default=0)):
            chosen = {k: v[r] for k, v in plan.items() if r < len(v) and k in self.session.ids}
            self.session.widgets = dict(self.good)
            for key, state in chosen.items():
                self.session.widgets[self.session.ids[key]] = _state(self.session.ids[key], state)
            try:
                failed = await self._send(f"round {r} ({len(chosen)} widgets)", self.session.rerun)
            except StuckSession:
                failed = ["stuck"]
            if failed or not await self.valid_change(f"round {r}"):
                self.report.findings = [f for f in self.report.findings if not f.what.startswith("round ")]
                for key, state in chosen.items():
                    await self.one(key, state)

    async def editor(self, cases: list[tuple[str, str]]) -> list[str]:
        """Each editor case on the current table; returns the names of the cases that raised or stuck."""
        bad = []
        for name, text in cases:
            key = next((k for k in self.session.shown if k.startswith(EDITOR_PREFIX)), None)
            if key is None:
                self.report.findings.append(Finding(self.page, name, "the data editor is not on the page"))
                bad.append(name)
                continue
            if not await self.one(key, {"string_value": text}):
                bad.append(name)
        return bad

    async def junk(self) -> None:
        """Messages no tab sends: states for 5,000 widgets that do not exist, and a link of 20,000 parameters."""
        for what, widgets, query in (
            ("5,000 unknown widgets", {f"$$ID-{i:032x}-nokey{i}": {"double_value": 1.0} for i in range(5000)}, ""),
            ("a link of 20,000 parameters", {}, "&".join(f"j{i}={'x' * (i % 50)}" for i in range(20_000))),
        ):
            self.session.widgets = dict(self.good) | {i: _state(i, state) for i, state in widgets.items()}
            self.session.query = query
            await self._attempt(what, self.session.rerun)
            await self.valid_change(what)

    async def oversized(self) -> None:
        """A message past `server.maxWidgetStateSize` (1 MB here): the server must close that one connection
        (1009) before reading it; then a new tab opens and runs cleanly."""
        key = next(iter(sorted(self.session.ids)))
        what = "a 3 MB message"
        try:
            await self._send(what, lambda: self.session.send(key, string_value="x" * 3_000_000))
        except ConnectionClosed as closed:
            if closed.rcvd is None or closed.rcvd.code != 1009:
                self.report.findings.append(Finding(self.page, what, f"closed with {closed.rcvd}"))
        else:
            self.report.findings.append(Finding(self.page, what, "read and run: no size limit"))
        self.session = Session(self.url, self.page, timeout=self.session.timeout)
        await self.open()
        await self.valid_change(what)

    async def clear_cache(self) -> None:
        """The "clear cache" message: every cache of the server emptied; this session and the next run go on."""
        await self._attempt("clear every cache", self.session.clear_cache)
        await self.valid_change("clear every cache")

    async def first_messages(self, lean: bool = False) -> None:
        """Each of `first_message_cases` as the first message of a new session (opened after this one has learned
        the page's widget ids); then a valid change on that session must run."""
        ids = {k: self.session.ids[k] for k in self.session.ids}
        for name, states in first_message_cases(ids, lean):
            await self.session.close()
            self.session = Session(self.url, self.page, timeout=self.session.timeout)
            self.session.widgets = {i: _state(i, state) for i, state in states.items()}
            what = f"first message, {name}"
            await self._attempt(what, self.session.open)
            await self.valid_change(what)

    async def qr_links(self, count: int = 10) -> None:
        """ "QR code of this link" pressed with a new 2,000-character address and junk query each time: the link is
        built from what the server holds (ui.qr), so after the first each costs a cached read."""
        self.session.widgets = dict(self.good)
        for i in range(count):
            self.session.context_url = f"http://{i}{'a' * 60}.example/{'p' * 1900}?{i}"
            self.session.query = f"junk{i}={'x' * 60}"
            what = f"QR code of a new 2,000-character address ({i + 1} of {count})"
            await self._attempt(what, lambda: self.session.send("poll_qr", trigger_value=True))
        self.session.context_url, self.session.query = "", ""
        self.session.widgets.pop(self.session.ids["poll_qr"], None)
        for i in range(count):  # the same page without the button: what the QR code adds is the difference
            await self._send(f"the same page without the QR code ({i + 1} of {count})", self.session.rerun, True)
        await self.valid_change("QR codes")

    async def close(self) -> None:
        await self.session.close()


def _state(widget_id: str, state: dict):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    ((name, raw),) = state.items()
    out = WidgetState(id=widget_id)
    if name.endswith("_array_value"):
        getattr(out, name).data[:] = list(raw)
    else:
        setattr(out, name, raw)
    return out


def plan_for(keys: Iterable[str], controls: dict, wrong_types: list[dict] = WRONG_TYPES) -> dict[str, list[dict]]:
    """Every widget's bad values: its Control's (if it has one) and every wrong type (for a bool control, every
    type but its own: True is a value its toggle sends)."""
    own = {k: {"bool_value"} if k in controls and controls[k].kind == "bool" else set() for k in keys}
    return {
        k: (bad_values(controls[k]) if k in controls else []) + [w for w in wrong_types if not own[k] & set(w)]
        for k in keys
    }


async def attack(
    url: str,
    page: str,
    controls: dict,
    pid: int | None,
    report: Report,
    *,
    table: bool = True,
    lean: bool = False,
    extras: bool = True,
    first: bool = True,
) -> list[str]:
    """Every widget of `page`, then (outliers, if `table`) the table and a 3 MB message, then (if `extras`)
    junk messages and "clear cache", then (if `first`) forged first messages of new sessions; returns the
    editor cases that failed. `lean` sends one wrong value of each field instead of all of WRONG_TYPES."""
    a = Attack(url, page, pid, report)
    await a.open()
    await a.batch(plan_for(a.targets(), controls, LEAN_WRONG_TYPES if lean else WRONG_TYPES))
    failed = await a.editor(editor_cases()) if page == "outliers" and table else []
    if page == "outliers" and table:
        await a.oversized()
    if extras:
        await a.junk()
        await a.qr_links()
        await a.clear_cache()
    if first:
        await a.first_messages(lean)
    await a.close()
    return failed


async def main(pages: list[str]) -> None:
    controls = controls_by_page()
    report = Report()
    with streamlit_server() as (url, proc):
        for page in pages:
            await attack(url, page, controls[page], proc.pid, report)
            print(f"  {page:26s} messages so far {report.messages:5d}   findings so far {len(report.findings)}")
    for f in report.findings:
        print(f"  FAIL {f.page}: {f.what} -> {f.problem}")
    print(
        f"\n{report.messages} messages, {len(report.findings)} raised or stuck, {report.notes_seen} visible notes "
        f"about refused values\nserver CPU per hostile message, the worst five (target <= {TARGET_CPU_SECONDS} s):"
    )
    for cpu, what in sorted(report.cpu, reverse=True)[:5]:
        print(f"  {cpu:5.2f} s  {what}")
    cpu, what = max(((c, w) for c, w in report.cpu if "first message" in w), default=(0.0, ""))
    print(f"the worst first message of a new session: {cpu:.2f} s ({what})")
    cpu, what = max(report.valid_cpu, default=(0.0, ""))
    print(f"the worst valid change after one: {cpu:.2f} s ({what})")
    with_qr = [c for c, w in report.cpu if "QR code of a new" in w and "(1 of" not in w]
    without = [c for c, w in report.valid_cpu if "without the QR code" in w]
    if with_qr and without:
        extra = statistics.mean(with_qr) - statistics.mean(without)  # means: /proc counts CPU in 10 ms ticks
        print(f"a QR code of a new address after the first, mean: {extra * 1000:.0f} ms of CPU beyond its page")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", action="append", choices=PAGES, help="only these pages (repeatable)")
    args = parser.parse_args()
    asyncio.run(main(args.page or list(PAGES)))
