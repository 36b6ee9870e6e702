"""The signed-L1 page's sentences against the runs they describe, across the page's whole control space and its
presets (hypothesis), and one test per finding of issue 16 that the page's old fixed sentences failed."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given

import core
from tests.helpers import chart_texts, control_space
from tests.test_pages import open_page, snapshot
from ui import charts
from ui import words as number_words
from ui.lessons.signed_l1 import lesson
from ui.lessons.signed_l1 import sentences as say

EPS = np.finfo(float).eps
NUMBER = r"([-−]?[\d,]+(?:\.\d+)?(?:e[-+]\d+)?)"  # as ui.words.num prints it: a true minus sign, 12,350


C, PRESETS = lesson.C, lesson.PRESETS  # the page's controls and presets live in its lesson


SETTINGS = control_space(C, PRESETS)


def close(token: str, value: float, w: np.ndarray | None = None) -> bool:
    """A number printed to 4 significant digits stands for `value`; a 0 also for a value within the rounding drift
    of the run `w` it ends."""
    token = token.replace("\u2212", "-").replace(",", "")  # the page prints a true minus sign, and 12,350
    if w is not None and float(token) == 0:
        return abs(value) <= 2 * EPS * w.size * np.nanmax(np.abs(w))
    return abs(float(token) - value) <= 5e-4 * abs(value) + 1e-300


def page_runs(v: dict) -> dict:
    """What pages/signed_l1.py computes (compute.run is core.descend behind a cache)."""
    data = core.make_dataset(
        20, v["x"], v["w_true"], 0.0, v["sigma"], outlier_fraction=0.0, outlier_size=0.0, seed=v["seed"]
    )
    runs = {
        k: core.descend(
            data,
            k,
            core.constant(v["lr"]),
            v["w0"],
            v["bs"],
            epochs=v["epochs"],
            gradient_over="full" if (k == "signed_l1" and v["full"]) else "batch",
        )
        for k in ("signed_l1", "l1", "l2")
    }
    sums = core.gradient_x_sums(data.x, v["bs"], v["epochs"], v["full"])
    goal = say.goals(data.x, data.y, v["w_true"], core.l1_minimizers(data.x, data.y), core.l2_optimum(data.x, data.y))
    return {"data": data, "runs": runs, "sums": sums, "goal": goal}


# -- the checks: each reads a sentence's branch and numbers and holds them against the run ----------------------


def check_approach(text: str, w: np.ndarray, goal: say.Goal, diverged_at) -> None:
    if diverged_at is not None:
        assert f"at update {diverged_at}" in text and not np.isfinite(w[-1])
        return
    side = goal.side(w)
    assert goal.name in text
    if m := re.search(r"reaches .* at update (\d+)", text):
        k = int(m.group(1))
        assert side[k] == 0 or side[k] != side[0], "it is on its goal or beyond it at that update"
        assert np.all(side[1:k] == side[0]) and side[0] != 0, "and not before"
        after = w[k:]
        if "stays on it" in text:
            assert np.all(goal.side(after) == 0)
        if "turns around" in text:
            assert np.any(np.diff(after) * side[0] > 0), "it moves back towards where it came from"
            a, b = re.search(rf"stays between {NUMBER} and {NUMBER}", text).groups()
            assert close(a, after.min()) and close(b, after.max())
    elif m := re.search(r"(?:passes|overshoots) .* at update (\d+)", text):
        k = int(m.group(1))
        assert side[0] != 0 and side[k] != side[0] and np.all(side[1:k] == side[0])
        if "keeps going" in text:
            assert not np.any(np.diff(w[k:]) * side[0] > 0)
        else:
            d = goal.distance(w)
            assert d[-1] > d[0]
            late, sides = d[k:], goal.side(w[k:])
            grows = late.size > 1 and late[late.size // 2 :].max() > late[: late.size // 2].max() * (1 + 1e-9)
            assert ("swings wider" in text) == grows
            if "keeps jumping across it" in text:
                assert np.count_nonzero(sides[1:] * sides[:-1] < 0) >= 2
    elif "starts on" in text:
        assert side[0] == 0
        if "stays on it" in text:
            assert np.all(side == 0)
        else:
            a, b = re.search(rf"moves between {NUMBER} and {NUMBER}", text).groups()
            assert close(a, w.min()) and close(b, w.max()) and np.any(side != 0)
    else:  # never reached
        assert np.all(side == side[0]) and side[0] != 0, "w stays on one side of its goal"
        d = goal.distance(w)
        if "does not reach" in text:
            (end, away) = re.search(rf"ends at {NUMBER}, {NUMBER} away", text).groups()
            assert close(end, w[-1], w) and close(away, d[-1]) and d[-1] < d[0]
        elif "closes in" in text:
            assert d[-1] <= 0.01 * d[0]
        else:
            assert "moves away" in text and d[-1] >= d[0]


def check_more_epochs(text: str, v: dict, data, goal: say.Goal) -> None:
    """A claim about more epochs, checked by running those epochs."""
    if m := re.search(
        r"gets there at update (\d+): set \*Epochs\* to (\d+) or more to see it (get there and turn|get)", text
    ):
        k, epochs = int(m.group(1)), int(m.group(2))
        assert epochs <= C["epochs"].hi
        longer = core.descend(data, "l1", v["lr"], v["w0"], v["bs"], epochs=epochs)
        side = goal.side(longer.w)
        assert side[k] != side[0] and np.all(side[:k] == side[0])
        if "turn" in m.group(3):
            assert np.any(np.diff(longer.w[k:]) * side[0] > 0)
    elif m := re.search(r"get there at update (\d+), in epoch (\d+)", text):
        assert int(m.group(2)) > C["epochs"].hi
    else:
        assert "would not bring" in text


def check_signed_seen(text: str, v: dict, run, sums: np.ndarray, data) -> None:
    steps = -np.diff(run.w)
    if m := re.search(rf"lr·Σx = {NUMBER} × {NUMBER} = {NUMBER} every update", text):
        lr, s, step = map(float, m.groups())
        assert lr == v["lr"] and close(m.group(2), sums[0]) and close(m.group(3), v["lr"] * sums[0])
        np.testing.assert_allclose(
            steps, step, rtol=1e-9 * run.n_updates, atol=1e-12 * (1 + abs(v["w0"])) * run.n_updates
        )
    else:
        assert "the last batch of each epoch is smaller" in text and not v["full"] and 20 % v["bs"] != 0
    assert close(re.search(rf"it ends at {NUMBER}", text).group(1), run.w[-1], run.w)
    # the gradient at the true w, from the loss's own gradient at that w
    r_true = v["w_true"] * data.x - data.y
    g = core.loss_grad("signed_l1", r_true) * data.x
    said = [
        float(t.replace("−", "-").replace(",", ""))
        for t in re.search(r"its gradient is still Σx[^=]*= ([-−0-9.,e+ or]+):", text).group(1).split(" or ")
    ]
    if v["full"]:
        assert said == [pytest.approx(g.sum(), rel=1e-12)]
    else:
        batches = {round(float(g[i : i + v["bs"]].sum()), 9) for i in range(0, 20, v["bs"])}
        assert {round(s, 9) for s in said} == batches
    assert ("where every prediction is right" in text) == bool(np.all(r_true == 0))


def check_gradient_caption(text: str, v: dict, runs: dict, goal) -> None:
    signed, absl1, l2 = (runs[k] for k in ("signed_l1", "l1", "l2"))
    if m := re.search(rf"constant at {NUMBER}", text):
        assert np.allclose(signed.grad[1:], float(m.group(1)), rtol=5e-4)
    else:
        assert np.ptp(signed.grad[1:]) > 0
    g, S = absl1.grad[1:], core.gradient_x_sums(runs["data"].x, v["bs"], v["epochs"])
    signs = np.sign(g[g != 0])
    flips = int(np.count_nonzero(signs[1:] != signs[:-1]))
    if "never changes sign" in text:
        assert flips == 0
    else:
        assert int(re.search(r"changes sign (\d+) time", text).group(1)) == flips
    on_one_side = np.isclose(np.abs(g), S, rtol=1e-12, atol=0)
    if "±Σx of the batch on every update" in text:
        assert on_one_side.all()
    else:
        m = re.search(r"(less in size|0) on (\d+), where", text)
        assert int(m.group(2)) == np.count_nonzero(~on_one_side) > 0
        if m.group(1) == "0":
            assert np.all(g[~on_one_side] == 0)
    if l2.diverged_at is not None:
        assert f"passes 10¹² at update {l2.diverged_at}, where the run stops" in text
        assert abs(l2.w[l2.diverged_at - 1]) <= 1e12  # the state before was within the limit (not an overflow)
    elif m := re.search(rf"shrinks in size from {NUMBER} at the first update to (0 \(to rounding\)|{NUMBER})", text):
        assert close(m.group(1), abs(l2.grad[1]))
        if m.group(2) == "0 (to rounding)":
            assert abs(l2.grad[-1]) <= say.rounding_bound(l2.grad.size - 1, abs(l2.grad[1]))
        else:
            assert close(m.group(2), abs(l2.grad[-1]))
        assert abs(l2.grad[-1]) < abs(l2.grad[1])
        nearer = goal["l2"].distance(l2.w[-1]) < goal["l2"].distance(l2.w[0])
        settled = say.run_state(l2.w, goal["l2"], l2.diverged_at) == "reaches"
        assert ("as w nears its optimum" in text) == (nearer and settled)
        assert ("keeps swinging across its optimum" in text) == (nearer and not settled)
    else:
        assert "does not shrink" in text and abs(l2.grad[-1]) >= abs(l2.grad[1])


def check_toggle(text: str, v: dict, data) -> None:
    """Both variants' ends against the runs with the toggle either way; the per-batch one against the target."""
    as_printed = core.descend(data, "signed_l1", v["lr"], v["w0"], v["bs"], epochs=v["epochs"], gradient_over="full")
    per_batch = core.descend(data, "signed_l1", v["lr"], v["w0"], v["bs"], epochs=v["epochs"])
    ends = re.findall(rf"\*\*{NUMBER}\*\*", text)
    assert (
        len(ends) == 2
        and close(ends[0], as_printed.w[-1], as_printed.w)
        and close(ends[1], per_batch.w[-1], per_batch.w)
    )
    assert ("*As printed* (on screen)" in text) == v["full"]
    wt, tol = v["w_true"], say.near(v["w_true"])
    end = per_batch.w[-1]
    if "the two readings are the same run" in text:
        assert v["bs"] >= 20 and np.array_equal(per_batch.w, as_printed.w)
    elif "starts at or below the target" in text:
        assert v["w0"] <= wt + tol
    elif "ends on the target" in text:
        assert abs(end - wt) <= tol
    elif m := re.search(r"straight down past the target .* \(reached at update (\d+)\)", text):
        k = int(m.group(1))
        # the page finds the crossing from the closed form w0 - k·lr·Σx, the run by k subtractions: at the
        # boundary they may part by the rounding of k updates (a few ulps of |w| each)
        slack = 4 * k * np.finfo(float).eps * (abs(v["w0"]) + abs(wt) + 1)
        assert end < wt and per_batch.w[k] <= wt + tol + slack and wt + tol - slack < per_batch.w[k - 1]
    else:
        assert "does not even get down to the target" in text and end > wt + tol
        if m := re.search(r"reach it at update (\d+)", text):
            k = int(m.group(1))
            per_epoch = core.gradient_x_sums(data.x, v["bs"], 1)
            sums = np.tile(per_epoch, -(-k // per_epoch.size))[:k]
            longer = core.signed_l1_closed_form(v["w0"], v["lr"], sums, k)
            assert longer[-1] <= wt + tol < longer[-2]


@given(SETTINGS)
def test_every_sentence_of_the_signed_l1_page_holds_for_its_run(v):
    p = page_runs(v)
    runs, data, sums, goal = p["runs"], p["data"], p["sums"], p["goal"]
    signed, absl1, l2 = (runs[k] for k in ("signed_l1", "l1", "l2"))
    K = signed.n_updates
    closed = core.signed_l1_closed_form(v["w0"], v["lr"], sums, K)
    on_closed = say.on_closed_form(signed.w, closed, v["lr"], sums)
    assert on_closed, "signed L1 follows its closed form (the engine's claim the page repeats)"
    end = say.end_value(signed.w)
    assert end == signed.w[-1] or (end == 0 and close("0", signed.w[-1], signed.w))
    assert f"ends at {say.num(end)}, on the grey dots" in say.w_chart_alt(K, end, on_closed)

    line = say.ending_line({k: (say.end_value(r.w), r.diverged_at) for k, r in runs.items()})
    for k, r in runs.items():
        assert (
            f"**{k}**: w **diverges** at update {r.diverged_at}"
            if r.diverged_at
            else f"**{k}**: w ends at **{say.num(say.end_value(r.w))}**"
        ) in line

    states = {"absolute L1": say.run_state(absl1.w, goal["l1"], absl1.diverged_at)}
    states["L2"] = say.run_state(l2.w, goal["l2"], l2.diverged_at)
    line = say.takeaway(end, v["lr"], sums, states)
    assert len(line.split()) <= 32 and "e-" not in line and "e−" not in line, line
    assert f"every update, to {say.num(end)}, and never stops" in line
    for name, run, g in (("absolute L1", absl1, goal["l1"]), ("L2", l2, goal["l2"])):
        part = re.split(rf"(?i){name} ", line, maxsplit=1)[1]
        if run.diverged_at is not None:
            assert part.startswith("diverges")
        elif say.first_reach(run.w, g) is not None:
            d = g.distance(run.w)
            settled = d[-max(1, d.size // 10) :].max() <= max(say.SETTLED * d[0], g.tol)
            assert part.startswith("reaches its target" if settled else "swings across its target"), part
        else:
            assert part.startswith("is still on its way") and g.distance(run.w[-1]) > 0

    exact = bool(np.all(data.y == v["w_true"] * data.x))
    check_signed_seen(
        say.signed_seen(v["lr"], sums, end, on_closed, v["w_true"], full=v["full"], exact_data=exact),
        v,
        signed,
        sums,
        data,
    )

    for name, run, g in (("Absolute L1", absl1, goal["l1"]), ("L2", l2, goal["l2"])):
        check_approach(say.approach(name, run.w, g, run.diverged_at), run.w, g, run.diverged_at)
    if say.first_reach(absl1.w, goal["l1"]) is None:
        upe = signed.updates_per_epoch
        longer = core.descend(data, "l1", v["lr"], v["w0"], v["bs"], epochs=max(1, min(1000, core.MAX_UPDATES // upe)))
        check_more_epochs(
            say.more_epochs("absolute L1", goal["l1"], longer.w, upe, C["epochs"].hi), v, data, goal["l1"]
        )

    caption = say.loss_caption(signed.loss, absl1.diverged_at, l2.diverged_at)
    assert close(re.search(rf"ends at {NUMBER}", caption).group(1), signed.loss[-1])
    assert ("below zero" in caption) == (signed.loss[-1] < 0)
    assert ("falling every update" in caption) == bool(np.all(np.diff(signed.loss) < 0))
    assert np.all(absl1.loss >= 0)
    if l2.diverged_at is None:
        assert np.all(l2.loss >= 0) and "absolute L1 and L2 stay at or above zero" in caption

    nearer = bool(goal["l2"].distance(l2.w[-1]) < goal["l2"].distance(l2.w[0]))
    gcap = say.gradient_caption(
        signed.grad[1:],
        absl1.grad[1:],
        core.gradient_x_sums(data.x, v["bs"], v["epochs"]),
        l2.grad[1:],
        nearer,
        l2_div=l2.diverged_at,
        l2_settled=say.run_state(l2.w, goal["l2"], l2.diverged_at) == "reaches",
    )
    check_gradient_caption(gcap, v, {**runs, "data": data}, goal)

    per_epoch = core.gradient_x_sums(data.x, v["bs"], 1)
    check_toggle(
        say.toggle_explanation(
            v["w0"], v["lr"], K, 20, float(data.x.sum()), per_epoch=per_epoch, w_true=v["w_true"], full=v["full"]
        ),
        v,
        data,
    )

    expl = say.predict_explanation(v["w0"], v["lr"], sums, K, say.end_value(closed), full=v["full"])
    m = re.search(rf"goes {NUMBER} → (?:{NUMBER} → )?… → {NUMBER} after (\d+) updates", expl)
    assert m and close(m.group(1), v["w0"]) and close(m.group(3), signed.w[-1], signed.w) and int(m.group(4)) == K
    assert m.group(2) is None or m.group(2) != m.group(1)  # the first step shows: 20 → 19.9996, not 20 → 20
    if m.group(2):
        assert close(m.group(2), signed.w[1])


# -- one test per finding of issue 16 (each failed on the page's fixed sentences) -------------------------------


def seen_text(at) -> str:
    """The takeaway under the chart and the numbers in its fold."""
    fold = next(e for e in at.expander if e.label == "Why, in numbers")
    return " ".join([*(e.value for e in at.info), *(m.value for m in fold.markdown)])


def words(at) -> str:
    """Every sentence on the page (no chart data)."""
    kinds = ("markdown", "latex", "info", "warning", "success", "error", "caption")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


def test_default_does_not_say_absolute_l1_turns_around_and_says_where_it_ends():
    text = seen_text(open_page("pages/signed_l1.py"))
    assert "turn around at the target" not in text
    assert "Absolute L1 does not reach the target w = 1 in these 200 updates: it ends at 12" in text
    assert "prints neither its code nor where it ends. On the settings it prints, absolute L1 ends at 12" in text
    assert "has these settings" not in text  # the article does not say with which settings it ran absolute L1


def test_the_preset_shows_absolute_l1_reaching_the_target_and_turning():
    at = open_page("pages/signed_l1.py")
    at.selectbox(key="s_preset").set_value(say.REACHES_PRESET).run()
    text = seen_text(at)
    assert "Absolute L1 reaches the target w = 1 at update 475 and turns around" in text
    takeaway = " ".join(e.value for e in at.info)
    assert "e-" not in takeaway and "sign(0)" not in takeaway  # the rounding story is in the fold
    ends = re.search(r"\*\*absolute L1 \|r\|\*\*: w ends at \*\*(\S+)\*\*", words(at))
    assert ends and ends.group(1) == "0.96"  # "then steps around it": the end line shows a step off the target
    # 20 − 475 × 0.04 is 1 exactly; 475 rounded subtractions leave w just off it, so it turns (the derivation's
    # 0.3 + 0.2 lands on 0.5 exactly and stops): the fold says which
    w = core.descend(
        core.make_dataset(20, 2.0, 1.0, 0.0, 0.0, outlier_fraction=0.0, outlier_size=0.0, seed=0),
        "l1",
        0.01,
        20.0,
        2,
        epochs=60,
    ).w
    fold = " ".join(e.proto.label + " " + " ".join(m.value for m in e.markdown) for e in at.expander)
    off = re.search(r"After 475 updates of floating-point arithmetic w lands (.+?) off it", fold)
    assert off and w[475] != 1.0 and off.group(1) == number_words.power_of_ten(abs(w[475] - 1.0))


def test_per_batch_explanation_does_not_call_a_falling_w_of_12_past_the_target():
    text = snapshot(open_page("pages/signed_l1.py"))
    assert "straight down past the target" not in text
    assert "in these 200 updates it does not even get down to the target w = 1" in text


def test_per_batch_preset_gives_the_batch_gradient_4_not_40():
    at = open_page("pages/signed_l1.py")
    at.selectbox(key="s_preset").set_value(lesson.PER_BATCH).run()
    text = seen_text(at)
    assert "0.01 × 4 = 0.04" in text and "still 40" not in text and "its gradient is still Σx of its batch = 4" in text
    assert "All three take each batch's gradient" in words(at)


@pytest.mark.parametrize("preset", [name for name in lesson.PRESETS if "ends at" in name])
def test_a_preset_that_names_where_w_ends_shows_it_there(preset):
    """The per-batch preset showed signed and absolute L1 on one line, both ending at 12: a preset's name promises
    only what its end line shows."""
    at = open_page("pages/signed_l1.py")
    at.selectbox(key="s_preset").set_value(preset).run()
    ends = dict(re.findall(r"\*\*([^*]+)\*\*: w ends at \*\*([^*]+)\*\*", words(at)))
    named = re.search(r"ends at ([−\d.]+)", preset).group(1)
    assert ends[charts.label("signed_l1")] == named, (preset, ends)
    if "absolute L1 at the target" in preset:
        assert abs(float(ends[charts.label("l1")].replace("−", "-")) - 1) <= 0.04 + 1e-9  # within one step of it


def test_training_ten_times_longer_changes_every_number():
    at = open_page("pages/signed_l1.py")
    at.selectbox(key="s_preset").set_value("Train ten times longer").run()
    text = words(at)
    assert "20 − 2000 × 0.4 = **−780**" in text and "200 × 0.4" not in text
    assert "−60" not in text.replace("20 − 2000 × 0.04 = **−60**", "")  # per batch, 2,000 updates end at −60 too
    at.radio(key="s_predict").set_value("It comes to rest at another w").run()
    explanation = " ".join(e.value for e in at.error)
    assert "→ −780 after 2000 updates" in explanation and "60" not in explanation


def test_gradient_caption_with_noise_says_the_signs_cancel():
    at = open_page("pages/signed_l1.py", {"s_sigma": "5", "s_epochs": "200"})
    alts = " ".join(chart_texts(at))
    assert "±Σx of the batch and flips sign" not in alts
    assert re.search(r"where their signs (differ and )?cancel", alts)


def test_predict_explanation_follows_the_settings():
    at = open_page("pages/signed_l1.py", {"s_lr": "0.02", "s_epochs": "10"})
    at.radio(key="s_predict").set_value("It comes to rest at another w").run()
    explanation = " ".join(e.value for e in at.error)
    assert "0.02 × 40 = 0.8" in explanation and "→ −60 after 100 updates" in explanation


def test_a_two_cycle_is_not_called_swinging_wider_and_one_full_batch_is_one_run():
    """lr 0.5, batches of all 20 samples at x = 5: absolute L1 jumps 20, −30, 20, ... (a step of lr·Σ|x| = 50 that
    never grows), the two readings of the article's gradient are the same run, and L2 stops where |w| passes 1e12
    (not an overflow)."""
    at = open_page("pages/signed_l1.py", {"s_lr": "0.5", "s_bs": "20", "s_x": "5", "s_epochs": "5"})
    text = words(at)
    w = core.descend(
        core.make_dataset(20, 5.0, 1.0, 0.0, 0.0, outlier_fraction=0.0, outlier_size=0.0, seed=0),
        "l1",
        0.5,
        20.0,
        20,
        epochs=5,
    ).w
    assert w.tolist() == [20.0, -30.0, 20.0, -30.0, 20.0, -30.0]  # exact: 0.5 × 100 = 50 a step
    assert "Absolute L1 overshoots" in text and "swings wider" not in text and "keeps jumping across it" in text
    assert "the two readings are the same run" in text and "slower" not in text
    assert "passes 10¹²" in text and "overflows" not in text and "every finite range" not in text


@pytest.mark.parametrize(
    ("settings", "absolute_l1", "l2"),
    [
        ({"s_lr": 0.5}, "swings across its target", "diverges"),  # w 2, 0, 2, 0 about 1 from w0 = 20
        ({"s_sigma": 5.0}, "is still on its way", "swings across its target"),  # L2 −0.03 to 1.29 about 0.54
        ({}, "is still on its way", "reaches its target"),
    ],
    ids=["lr 0.5", "noisy sigma 5", "the article"],
)
def test_a_run_that_only_crosses_its_target_is_not_said_to_reach_it(settings, absolute_l1, l2):
    """A fresh teacher's read: "Absolute L1 reaches its target" at lr 0.5, where w jumps 2, 0, 2, 0 about 1."""
    from tests.test_pages import open_page

    at = open_page("pages/signed_l1.py", {k: str(v) for k, v in settings.items()})
    line = next(m.value for m in at.info if m.value.startswith("Signed L1 falls"))
    assert f"Absolute L1 {absolute_l1}" in line and f"L2 {l2}" in line, line


def test_the_check_question_rebuts_each_wrong_pick_in_its_own_words():
    """The distractor "its gradient now depends on the target" was partly true (the clipped loss's gradient is Σx
    where Σŷ > Σy and 0 elsewhere); each wrong option now reads its own rebuttal, the answer named once."""
    assert "Yes: its gradient now depends on the target" not in lesson.CHECK_OPTIONS
    assert set(lesson.CHECK_OPTIONS) == {lesson.CHECK_RIGHT, *lesson.CHECK_WRONG}
    for pick, why in lesson.CHECK_WRONG.items():
        at = open_page("pages/signed_l1.py")
        at.radio(key="s_check").set_value(pick).run()
        verdict = " ".join(e.value for e in at.error if "Not quite" in e.value)
        assert why in verdict and "No: No:" not in verdict and verdict.count(lesson.CHECK_RIGHT) == 1, verdict
        others = [w for p, w in lesson.CHECK_WRONG.items() if p != pick]
        assert not any(w in verdict for w in others)


def _code_by_screen(node, screen: str = "", out: dict | None = None) -> dict[str, list[str]]:
    """The code blocks' text by the slide view's screen that holds them ('slide-2'; '' for none)."""
    out = {} if out is None else out
    block_id = getattr(getattr(node, "proto", None), "id", "") or ""
    screen = "slide-" + block_id.split("slide-")[1].split("-")[0] if "slide-" in block_id else screen
    if getattr(node, "type", "") == "code":
        out.setdefault(screen, []).append(node.value)
    for child in getattr(node, "children", {}).values():
        _code_by_screen(child, screen, out)
    return out


def test_the_slide_views_question_screen_shows_the_code_it_asks_about():
    """The question says "gradient summed over all 20 samples, as printed": the slide that asks it shows the lines
    it is about (the article's whole code is folded on a projector)."""
    at = open_page("pages/signed_l1.py", {"slides": "true", "slide": "2"})
    code = _code_by_screen(at.main).get("slide-2", [])
    assert code == [lesson.SLIDE_CODE], code
    assert "gradient = np.sum(x)" in lesson.SLIDE_CODE and "np.sum(y_hat - y)" in lesson.SLIDE_CODE
    reading = open_page("pages/signed_l1.py")
    assert lesson.SLIDE_CODE not in [c.value for c in reading.code]  # outside the slide view: the whole code only
