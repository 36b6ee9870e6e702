"""A client of Streamlit's own browser protocol (protobuf BackMsg/ForwardMsg over /_stcore/stream).

One `Session` is one browser tab as far as the server can tell: it keeps every widget's last state,
as a browser does, and sends them all with each rerun. bench.load times it; bench.hostile and
tests/test_hostile.py send it junk (`send` puts any value of any type in a widget's state, `query`
is the address bar's query string) and read what came back (`exceptions`, `alerts`, `shown`).
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

QUICKACK = hasattr(socket, "TCP_QUICKACK")  # acknowledge every read at once (see bench.load); settable
RERUN_TIMEOUT = 60.0  # seconds a rerun may take before the session counts as stuck (StuckSession)


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """`asyncio.run(coroutine)` in a thread of its own: it works where this thread already runs an event loop
    (Playwright's sync API leaves one running for the rest of a pytest session)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class StuckSession(Exception):
    """The server did not finish a rerun in time."""


@dataclass
class Session:
    """One browser tab, as far as the server can tell."""

    url: str
    page: str
    ws: object = None
    widgets: dict[str, WidgetState] = field(default_factory=dict)  # every widget's last state, as a browser keeps
    ids: dict[str, str] = field(default_factory=dict)  # key -> widget id
    errors: int = 0
    query: str = ""  # the query string the tab's address bar holds (without "?")
    context_url: str = ""  # the address the tab reports (st.context.url), if any
    headers: dict[str, str] = field(default_factory=dict)  # sent with the websocket's opening request
    exceptions: list[str] = field(default_factory=list)  # every exception element shown so far: "Type: message"
    alerts: list[str] = field(default_factory=list)  # the last run's warning/error/info texts
    shown: set[str] = field(default_factory=set)  # keys of the widgets the last run drew
    timeout: float = RERUN_TIMEOUT

    async def open(self) -> float:
        self.ws = await connect(
            self.url.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            ping_interval=None,
            additional_headers=self.headers or None,
        )
        return await self.rerun()

    async def rerun(self) -> float:
        msg = BackMsg()
        msg.rerun_script.page_name = self.page
        msg.rerun_script.query_string = self.query
        msg.rerun_script.widget_states.widgets.extend(self.widgets.values())
        if self.context_url:
            msg.rerun_script.context_info.url = self.context_url
        start = time.perf_counter()
        self.alerts, self.shown = [], set()
        await self.ws.send(msg.SerializeToString())
        try:
            async with asyncio.timeout(self.timeout):
                while not await self._receive_one():
                    pass
        except TimeoutError:
            raise StuckSession(f"no end of the rerun on {self.page!r} after {self.timeout:g} s") from None
        return time.perf_counter() - start

    async def _receive_one(self) -> bool:
        """Read one ForwardMsg; True once the rerun has finished."""
        fm = ForwardMsg()
        fm.ParseFromString(await self.ws.recv())
        if QUICKACK:
            self.ws.transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        kind = fm.WhichOneof("type")
        if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
            self._note(fm.delta.new_element)
        if kind == "page_info_changed":
            self.query = fm.page_info_changed.query_string
        return kind == "script_finished" and fm.script_finished in (
            ForwardMsg.FINISHED_SUCCESSFULLY,
            ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
        )

    def _note(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.errors += 1
            self.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        if kind == "alert":
            self.alerts.append(element.alert.body)
        widget_id = getattr(getattr(element, kind), "id", "")
        if widget_id.startswith("$$ID-"):
            key = widget_id.split("-", 2)[2]
            self.ids[key] = widget_id
            self.shown.add(key)

    async def set(self, key: str, value) -> float:
        """A value as the browser's own widget would send it: a bool, or a number (a slider's value)."""
        if isinstance(value, bool):
            return await self.send(key, bool_value=value)
        return await self.send(key, double_array_value=[float(value)])

    async def send(self, key: str, **value) -> float:
        """Any one WidgetState field, e.g. send("n_lr", string_value="abc") or int_array_value=[999]."""
        ((name, raw),) = value.items()
        state = WidgetState(id=self.ids[key])
        target = getattr(state, name) if name.endswith("_array_value") else None
        if target is not None:
            target.data[:] = list(raw)
        else:
            setattr(state, name, raw)
        self.widgets[state.id] = state
        return await self.rerun()

    async def clear_cache(self) -> float:
        """The "Clear cache" menu item's message (any client can send it: it empties every cache of the
        server, for every visitor), then a rerun."""
        msg = BackMsg()
        msg.clear_cache = True
        await self.ws.send(msg.SerializeToString())
        return await self.rerun()

    async def close(self) -> None:
        await self.ws.close()
