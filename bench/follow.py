"""A hand dragging a chart's own slider (ui/follow.py), as the browser bench and the browser tests drive it.

`FOLLOW_HOOK` (an init script) counts every websocket message the page sends and notes each redraw of a following
chart (its canvas cleared, in `st.container(key="follow-<control key>")`). `drag` moves the bound input by `steps`
values, one per animation frame as a hand does, each an `input` event (what the pointer or an arrow key makes the
range input fire), and times each move to the chart's next redraw: the browser's own work, no server in it.
"""

from __future__ import annotations

FOLLOW_HOOK = """(() => {
    window.__wsSends = 0; window.__followDraws = [];
    const send = WebSocket.prototype.send;
    window.__wsSendTimes = [];
    WebSocket.prototype.send = function (...args) {
        window.__wsSends += 1; window.__wsSendTimes.push(performance.now()); return send.apply(this, args);
    };
    const clear = CanvasRenderingContext2D.prototype.clearRect;
    CanvasRenderingContext2D.prototype.clearRect = function (...args) {
        if (this.canvas.closest && this.canvas.closest('[class*="st-key-follow-"]')) {
            queueMicrotask(() => window.__followDraws.push(performance.now()));
        }
        return clear.apply(this, args);
    };
})();"""

_DRAG = """async ([key, steps]) => {
    const input = document.querySelector(`.st-key-follow-${key} input[type="range"]`);
    const frame = () => new Promise((done) => requestAnimationFrame(() => done()));
    const sendsBefore = window.__wsSends, times = [], values = [], inputs = [], frames = [];
    let dragging = true;
    const tick = (t) => { frames.push(t); if (dragging) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    const dir = Math.sign(steps) || 1;
    for (let i = 0; i < Math.abs(steps); i++) {
        const t0 = performance.now();
        inputs.push(t0);
        input.value = String(Number(input.value) + dir * Number(input.step));
        input.dispatchEvent(new Event('input', {bubbles: true}));
        values.push(Number(input.value));
        while (!window.__followDraws.some((t) => t >= t0) && performance.now() - t0 < 2000) await frame();
        const drawn = window.__followDraws.filter((t) => t >= t0);
        times.push(drawn.length ? drawn[0] - t0 : null);
        await frame();
    }
    dragging = false;
    const stall = Math.max(0, ...frames.slice(1).map((t, i) => t - frames[i]));
    const sent = window.__wsSendTimes.slice(sendsBefore).map((t) => t - inputs[0]);
    const since = inputs.map((t) => t - inputs[0]);
    return {times, values, sends: window.__wsSends - sendsBefore, sent, inputs: since, stall};
}"""


def install(context) -> None:
    """Count sends and note the following charts' redraws in every page of `context` (before it opens them)."""
    context.add_init_script(FOLLOW_HOOK)


def drag(page, key: str, steps: int) -> dict:
    """Drag the chart slider of control `key` by `steps` values (negative: down), a frame apart; returns each move's
    ms to the chart's redraw (None: it did not redraw), the values passed, how many messages were sent meanwhile,
    when each input and each message happened (ms after the first input), and the longest gap between frames."""
    return page.evaluate(_DRAG, [key, steps])


DEBOUNCE_MS = 150  # Streamlit sends a chart's selection once the hand has paused this long


def sent_while_moving(moved: dict) -> list[float] | None:
    """The messages `drag` saw sent while the hand moved (ms after its first input); None when the browser stalled a
    frame for DEBOUNCE_MS or more (a shared machine), which Streamlit cannot tell from a hand that paused."""
    if moved["stall"] >= DEBOUNCE_MS - 10:
        return None
    return moved["sent"]
