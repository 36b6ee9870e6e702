"""A client of Streamlit's own browser protocol (protobuf BackMsg/ForwardMsg over /_stcore/stream).

One `Session` is one browser tab as far as the server can tell: it keeps every widget's last state,
as a browser does, and sends them all with each rerun. bench.load times it; tests send it junk.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

QUICKACK = hasattr(socket, "TCP_QUICKACK")  # acknowledge every read at once (see bench.load); settable


@dataclass
class Session:
    """One browser tab, as far as the server can tell."""

    url: str
    page: str
    ws: object = None
    widgets: dict[str, WidgetState] = field(default_factory=dict)  # every widget's last state, as a browser keeps
    ids: dict[str, str] = field(default_factory=dict)  # key -> widget id
    errors: int = 0

    async def open(self) -> float:
        self.ws = await connect(
            self.url.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            ping_interval=None,
        )
        return await self.rerun()

    async def rerun(self) -> float:
        msg = BackMsg()
        msg.rerun_script.page_name = self.page
        msg.rerun_script.widget_states.widgets.extend(self.widgets.values())
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await self.ws.recv())
            if QUICKACK:
                self.ws.transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                self._note(fm.delta.new_element)
            if kind == "script_finished" and fm.script_finished in (
                ForwardMsg.FINISHED_SUCCESSFULLY,
                ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
            ):
                return time.perf_counter() - start

    def _note(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.errors += 1
        widget_id = getattr(getattr(element, kind), "id", "")
        if widget_id.startswith("$$ID-"):
            self.ids[widget_id.split("-", 2)[2]] = widget_id

    async def set(self, key: str, value) -> float:
        state = WidgetState(id=self.ids[key])
        if isinstance(value, bool):
            state.bool_value = value
        else:
            state.double_array_value.data[:] = [float(value)]
        self.widgets[state.id] = state
        return await self.rerun()

    async def close(self) -> None:
        await self.ws.close()
