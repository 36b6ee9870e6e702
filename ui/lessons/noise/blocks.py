"""The noise lesson's blocks on screen, in the page's order: the runs and their zoom, the article's claim table,
the loss and rate charts, the sweep, the noise draws, the heatmap, the closing question.

Every block takes the page's `Lab` (the runs at the student's settings) as an argument: a block that reruns on
its own (a fragment) reads nothing from the page's globals. Over 400 lines: the page's blocks in one file, in the
order the page shows them, so the page stays a list of them.

Over 400 lines: the page's blocks in page order, one function each, all reading the same Lab.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

import core
from ui import charts, follow, frames, layout
from ui.controls import Settings, loss_params
from ui.layout import takeaway
from ui.lessons.noise import charts as lesson_charts
from ui.lessons.noise import compute as lesson_compute
from ui.lessons.noise import lesson
from ui.lessons.noise import sentences as say
from ui.questions import check_understanding, predict
from ui.stepper import step_through
from ui.words import capital, count

LABELS = {k: charts.label(k) for k in lesson.LOSS_KEYS}  # on charts and tables
# the step-through's chart: its height is the whole chart's (title, stacked labels, axes and legend about 190 px),
# so its plot keeps about 230 px (at the kernel's 240 it was squeezed to about 40 under the stacked labels)
STEP_HEIGHT = 420
STEP_REFERENCES = dataclasses.replace(lesson_charts.REFERENCES, chrome_px=charts.LEGIBLE_RULES.chrome_px)
SLIDE_PANELS_PX = 150  # the loss panels' plots together, on a slide (the takeaway under them on screen)
NAMES = {k: core.LOSSES[k].short_name for k in lesson.LOSS_KEYS}  # in sentences


@dataclass(frozen=True)
class Lab:
    """The runs the page shows at the student's settings, and what every block reads about them."""

    s: Settings  # the settings by name
    losses: list[str]  # the runs shown
    runs: dict[str, core.Trajectory]  # by label, in `losses` order
    optima: dict[str, tuple[float, float]]
    band: tuple[float, float] | None  # absolute L1's constant-step band; None for a rate that changes
    K: int  # updates per run
    tail_from: int  # the first update of the zoom (say.TAIL)

    def run(self, loss: str) -> core.Trajectory | None:
        return self.runs.get(LABELS[loss])

    @functools.cached_property
    def errors(self) -> dict[str, float]:
        """Each shown run's mean |w − 1| over the TAIL: the page's one measure of how close a run ends."""
        return {k: lesson.tail_error(self.run(k)) for k in self.losses}

    @functools.cached_property
    def windows(self) -> dict[str, say.Window | None]:
        """What each shown run's w did over the zoom's TAIL (None: it diverged)."""
        root = lesson.root(self.s.by_key)
        return {k: _window(self.run(k), self.tail_from, root) for k in self.losses}

    @property
    def draw_losses(self) -> list[str]:  # the draws question compares L1 and L2
        return list(dict.fromkeys(["l1", "l2", *self.losses]))

    @property
    def l2_limit(self) -> float:
        return core.l2_max_stable_lr(lesson.dataset(self.s.by_key).x, self.s["bs"])


def lab(s: Settings, losses: list[str]) -> Lab:
    values = s.by_key
    runs = {LABELS[k]: lesson.run(values, k) for k in losses}
    K = lesson.updates(values)
    rates = next(iter(runs.values())).lr
    return Lab(
        s,
        losses,
        runs,
        lesson.optima(values, losses),
        band=lesson.band(values, rates),
        K=K,
        tail_from=say.tail_start(K),
    )


def experiments(lab: Lab, loss: str) -> lesson_compute.NoiseExperiments:
    """The sweep, the noise draws, the heatmap this loss shows and the w chart's family (its run at every rate of
    the lr slider), in one vectorised pass (cached): every view reads it, and the draws come with it, so answering
    their question reruns nothing. The result toggles are read when it is called: a block that reruns on its own
    (a fragment) asks for what is shown now."""
    s = lab.s
    sweep_on, heat_on = st.session_state.get("n_sweep_show", False), st.session_state.get("n_heat", False)
    heat = heat_on and loss in lab.losses and loss != "huber"
    return lesson_compute.experiments_by_rate(
        loss,
        lesson.schedule(s.by_key),
        s["w0"],
        s["bs"],
        s["epochs"],
        sigma=s["sigma"],
        seed=s["seed"],
        sweep_lrs=lesson.SWEEP_LRS if sweep_on and loss in lab.losses else (),
        seeds=lesson.SEEDS if loss in lab.draw_losses else 0,
        heat_sigmas=lesson.HEAT_SIGMAS if heat else (),
        heat_lrs=lesson.HEAT_LRS if heat else (),
        family_lrs=tuple(lesson.LR_SLIDER.values),
        shuffle=s["shuffle"],
        **loss_params(loss, s),
    )


def lr_family(lab: Lab) -> follow.Family:
    """Every shown run at every rate the w chart's lr slider offers (one drawn row per run and thinned update)."""
    parts = [experiments(lab, k) for k in lab.losses]
    rows = pd.DataFrame({"series": np.repeat([LABELS[k] for k in lab.losses], [e.family_w.shape[1] for e in parts])})
    fields = {f: np.concatenate([getattr(e, f"family_{f}") for e in parts], axis=1) for f in ("update", "w")}
    return follow.family("runs", rows, fields)


def reference_lines(lab: Lab) -> pd.DataFrame:
    """The true w and each shown loss's optimum (a range for L1's interval), as labelled horizontal lines."""
    refs = [{"y": lesson.W_TRUE, "text": f"true w = {lesson.W_TRUE:g}"}]
    for k in lab.losses:
        lo, hi = lab.optima[k]
        ends = say.span_ends(lo, hi, lesson.W_TRUE) if hi > lo else (say.apart(lo, lesson.W_TRUE),) * 2
        txt = f"{NAMES[k]} optimum {ends[0]}" + (f" to {ends[1]}" if ends[1] != ends[0] else "")
        refs.append({"y": (lo + hi) / 2, "text": txt})
    return pd.DataFrame(refs)


def step_block(lab: Lab) -> None:
    """The run update by update (ui.stepper), its references labelled as the page's charts label them."""
    step_through("n_step", lab.runs, lab.losses, reference_lines(lab), height=STEP_HEIGHT, rule_style=STEP_REFERENCES)


def runs_block(lab: Lab, main, zoom, *, answer_first: bool = False) -> None:
    """w over updates, then the zoom on the TAIL, the updates the question measures, and the article's claim there.
    Which ends closer, the question's answer, goes under the whole run's chart; `answer_first` (a projector, the
    slide view, where the zoom comes first): under the zoom, before the claim, so the answer's screen shows it."""
    s, refs = lab.s, reference_lines(lab)
    errors = lab.errors
    rate = "lr" if s["sched"] == "constant" else "lr0"
    with main:
        st.subheader("w over updates")
        if not layout.presenting():  # a projector's slide has no room for it: the slider's own label says it
            st.caption(
                f"Drag the learning-rate slider under the chart (or use its arrow keys): the runs redraw at each "
                f"{rate}, and the words below catch up when you let go."
            )
        served = frames.runs_frame(lab.runs, "w")
        follow.chart(
            lesson_charts.runs_follow_chart(served, lr_family(lab), lesson.LR_SLIDER, lab.losses, refs, rate),
            lesson.LR_SLIDER,
            f"Weight w over {count(lab.K, 'updates')} from w0 = {say.num(s['w0'])} with noise sigma {s['sigma']:g} and "
            f"{rate} {say.lr_text(s['lr'])}. "
            + say.tail_errors_text({LABELS[k]: errors[k] for k in lab.losses}, lab.K),
        )
    if not answer_first:
        with main:
            _answer(lab)
    _zoom(lab, zoom, refs)
    if answer_first:
        with zoom:
            _answer(lab, answers=True)
    _verdict(lab, zoom)


def _answer(lab: Lab, *, answers: bool = False) -> None:
    """Which run ends closer, by the question's measure, and where absolute L1 sits against its optimum (folded)."""
    s, errors = lab.s, lab.errors
    draws = _draws(lab)
    lo, hi = lab.optima["l1"]
    why = say.luck(errors["l1"], errors["l2"], draws, hi - lo) if draws is not None else ()
    numbers = ""
    if why:  # the takeaway says no winner: its numbers lead the fold
        where = lesson.last_tenth(s.by_key)
        numbers = say.luck_numbers(errors["l1"], errors["l2"], why, draws, (lo, hi), where) + " "
    takeaway(
        say.ends_takeaway(
            errors,
            LABELS,
            lab.K,
            lab.windows,
            summable=s["sched"] in lesson.SUMMABLE,
            draws=draws,
            l1_width=hi - lo,
            floors={k: lesson.optimum_distance(lab.optima[k]) for k in lab.losses if k in ("l1", "l2")},
            more_epochs=s["epochs"] < lesson.C["epochs"].hi,
        ),
        numbers
        + say.optimum_sentence(lab.optima["l1"], lab.optima["l2"][0], _l1_place(lab))
        + " Why the mean over the last updates and not the final w: a constant-step absolute-L1 run can land on "
        "1 for one update and jump away at the next.",
        answers=answers,
    )


def _draws(lab: Lab) -> say.Draws | None:
    """The many noise draws at the page's settings (run with the w chart's family, so free here), or None when the
    run does not show both absolute L1 and L2."""
    if not {"l1", "l2"} <= set(lab.losses):
        return None
    return say.Draws(_draw_errors(lab, "l1"), _draw_errors(lab, "l2"))


def _l1_place(lab: Lab) -> say.Place | None:
    """Where absolute L1 spends the TAIL against its interval of optima (say.l1_place), or None: not shown,
    diverged, or still travelling (a travelling run has no middle)."""
    l1, win = lab.run("l1"), lab.windows.get("l1")
    if l1 is None or win is None or win.drifting:
        return None
    return say.l1_place(l1.w, lab.optima["l1"], lesson.l1_grid(lab.s.by_key, l1.lr))


def _zoom(lab: Lab, zoom, refs: pd.DataFrame) -> None:
    band, tail_from, K = lab.band, lab.tail_from, lab.K
    tail = frames.runs_frame(lab.runs, "w", start=tail_from)  # thinned on its own: the zoom keeps its detail
    view = float(tail["w"].max() - tail["w"].min()) if len(tail) else 0.0
    band_fits = band is not None and "l1" in lab.losses and (band[1] - band[0]) <= 4 * max(view, 1e-9)
    band_layer = (band[0], band[1], "constant-step band: once inside, absolute L1 never leaves") if band_fits else None
    with zoom, layout.slide_part(3):  # the zoom answers the question, shown with its title on the answer's slide
        st.markdown(
            f"**Zoom: the {say.TAIL.describe()} of the run** (updates {tail_from + 1:,} to {K:,}), the updates the "
            "question measures" + (", with absolute L1's guaranteed band shaded" if band_fits else "")
        )
        layout.chart(
            # a projector or a slide: the legend and the answer below it on the first screen
            lesson_charts.zoom_chart(tail, lab.losses, refs, band_layer, height=90 if layout.presenting() else 200),
            f"The {say.TAIL.describe()} of the run, updates {tail_from + 1:,} to {K:,}, zoomed: "
            + "; ".join(say.tail_range(name, run.w, tail_from) for name, run in lab.runs.items())
            + (
                ". The shaded band is where constant-step L1 is guaranteed to stay once it enters."
                if band_fits
                else "."
            ),
            answers=True,
        )
    if band is not None and "l1" in lab.losses and not band_fits:
        zoom.caption(say.band_too_wide(band, lab.s["sigma"], lab.s["bs"], lesson.N, lab.s["shuffle"]))


def _behind(lab: Lab) -> list[str]:
    """The name of the run on screen that ends further from w = 1 and is still travelling (say.behind), if any."""
    errors = {k: e for k, e in lab.errors.items() if k in ("l1", "l2")}
    far = say.behind(errors, lab.windows)
    return [NAMES[far]] if far is not None else []


def _window(run: core.Trajectory | None, tail_from: int, root: float | None = None) -> say.Window | None:
    return say.window(run.w, tail_from, root) if run is not None and run.diverged_at is None else None


def _verdict(lab: Lab, zoom) -> None:
    """The article's claim on this run (the rates it ran), L1's and L2's steps, Huber's, and the numbers table."""
    s, tail_from = lab.s, lab.tail_from
    l1run, l2run = lab.run("l1"), lab.run("l2")
    for k in [k for k in lab.losses if lab.run(k).diverged_at is not None]:
        if k == "l2":
            top = float(np.max(l2run.lr[1:]))
            data = lesson.dataset(s.by_key)
            radius = core.l2_epoch_radius(data.x, top, s["bs"])
            st.warning(say.diverged_warning(top, s["bs"], lab.l2_limit, radius), icon="💥")
        else:
            st.warning(f"{LABELS[k]} diverged at update {lab.run(k).diverged_at}.", icon="💥")
    l1_win, l2_win = lab.windows.get("l1"), lab.windows.get("l2")
    _, verdict = say.claim(
        l1_win,
        l2_win,
        l2run.diverged_at if l2run is not None else None,
        rates=next(iter(lab.runs.values())).lr,
        sigma=s["sigma"],
        batch_size=s["bs"],
        n=lesson.N,
        l1_never_left=l1run is not None and say.never_left(l1run.w, lab.optima["l1"]),
    )
    steps = []
    lone = l1_win is None or l2_win is None  # the verdict then gives no swing: the step sentence does
    if l1_win is not None:
        steps.append(say.l1_steps(l1_win, lesson.l1_full_step(s.by_key, l1run, tail_from), with_swing=lone))
        if l1_win.lands:
            grid = lesson.l1_grid(s.by_key, l1run.lr)
            steps[-1] += say.rounding_steps(grid, lesson.off_grid_start(s.by_key, grid))
    if l2_win is not None:
        steps.append(say.l2_steps(l2_win, abs(float(l2run.w[1] - l2run.w[0])), with_swing=lone))
    with zoom:
        if not layout.sliding():  # once, where the page first judges it (a slide has no room: 1280x800)
            st.caption(say.CLAIM_STATED)
        takeaway(verdict, answers=True)
        if "huber" in lab.losses:
            layout.seen(say.huber_sentence(lab.windows["huber"], l1_win, l2_win, s["delta"]))
        with st.expander("Why, in numbers"):
            why = say.claim_why(l1_win, l2_win, s["sigma"], s["bs"], lesson.N)
            noise = say.batch_noise(s["sigma"], s["bs"], lesson.N, s["shuffle"])
            st.markdown(" ".join([*([why] if why else []), *steps, noise]))
            _run_table(lab)


def _run_table(lab: Lab) -> None:
    runs = {k: lab.run(k) for k in lab.losses}
    layout.table(
        pd.DataFrame(lesson.run_rows(runs, lab.optima, lab.band, LABELS)),
        digits=3,  # as the sentences print them
        column_config={
            "in the band from update": st.column_config.NumberColumn(
                help="Absolute L1: its theoretical band. Others: a band of the same width around their own optimum."
            ),
        },
    )


RUN_KEYS = ["n_sigma", "n_lr", "n_sched", "n_bs", "n_epochs", "n_w0", "n_seed", "n_shuffle"]


def _claim_facts(name: str, preset: dict) -> dict:
    """One of the article's settings and the claim there (`lesson.article_claim`): its short name (▶ when it is
    on screen), the verdicts at our epochs and the article's, our epochs, and the swings over the TAIL."""
    _, l1_swing, l2_swing = lesson.article_claim(name)
    p = lesson.LESSON.defaults() | preset
    defining = [*RUN_KEYS, "n_decay"] if p["n_sched"] == "inverse_time" else RUN_KEYS
    on_screen = all(st.session_state[key] == p[key] for key in defining)
    return {
        "setting": ("▶ " if on_screen else "") + lesson.SHORT_NAMES[name],
        "ours": lesson.article_verdict(name),
        "at_article": lesson.article_verdict(name, lesson.ARTICLE_EPOCHS),
        "epochs": p["n_epochs"],
        "swings": (l1_swing, l2_swing),
    }


def _claim_row(f: dict) -> dict:
    """A claim fact (`_claim_facts`) as the table's row."""
    return {
        "the article's setting": f["setting"],
        "claim holds (our epochs)": f["ours"],
        f"at the article's {lesson.ARTICLE_EPOCHS} epochs": f["at_article"],
        "our epochs": f["epochs"],
        f"L1 swing ({say.TAIL.describe()})": f["swings"][0],
        f"L2 swing ({say.TAIL.describe()})": f["swings"][1],
    }


def claim_table() -> None:
    """Where the article's claim holds, preset by preset: a table, or on a phone (where six columns were cut at
    the third) one line per setting."""
    st.markdown(
        f"**Where the article's claim holds** ({say.CLAIM}), setting by setting (its presets: seed 0, w0 = 20 "
        "unless the name says otherwise; ▶ marks the one on screen)"
    )
    verdicts = [lesson.article_verdict(name, lesson.ARTICLE_EPOCHS) for name in lesson.ARTICLE_PRESETS]
    st.caption(
        lesson.ARTICLE_SETTINGS
        + " The epochs in our presets are ours. "
        + say.article_epochs_sentence(verdicts, lesson.ARTICLE_EPOCHS)
    )
    facts = [_claim_facts(name, preset) for name, preset in lesson.ARTICLE_PRESETS.items()]
    if layout.on_phone():
        st.markdown("\n".join(f"- {say.claim_line(**f, article_epochs=lesson.ARTICLE_EPOCHS)}" for f in facts))
        return
    layout.table(
        pd.DataFrame([_claim_row(f) for f in facts]),
        digits=3,
        column_config={
            "claim holds (our epochs)": st.column_config.TextColumn(
                help="Yes when absolute L1 swings back and forth (not still travelling) and L2 swings at most half "
                f"as much, over the {say.TAIL.describe()} of updates."
            )
        },
    )


def loss_block(lab: Lab) -> None:
    """The loss over updates, one panel per loss, with its takeaway."""
    st.markdown(
        "**Loss over updates**, one panel per loss, on a log scale (each labelled gridline ten times the one "
        "below), so the end of the run reads beside its start; the dark line is the best loss so far"
    )
    every = f"loss on all {lesson.N} samples"
    layout.chart(
        lesson_charts.loss_chart(
            frames.runs_frame(lab.runs, "loss", True, "best_loss"),
            lab.losses,
            # a slide (1280x800) holds the panels and the takeaway without scrolling: their plots share SLIDE_PANELS_PX
            **({"height": max(60, SLIDE_PANELS_PX // len(lab.losses))} if layout.sliding() else {}),
        ),
        f"{capital(every)} over updates on a log scale, one panel per loss, with the best loss so far. The loss: "
        + "; ".join(say.last_loss(name, run.loss) for name, run in lab.runs.items())
        + ".",
    )
    takeaway(say.loss_takeaway({NAMES[k]: lab.run(k).loss for k in lab.losses}))


def rate_block(lab: Lab) -> None:
    """The learning rate over updates, the same for every loss, with its takeaway."""
    st.markdown("**Learning rate over updates**, the same for every loss")
    rates = next(iter(lab.runs.values())).lr
    layout.chart(
        lesson_charts.lr_chart(frames.series_frame({"learning rate": rates}, "lr")),
        f"The learning rate over {count(lab.K, 'updates')}, the same for every loss: "
        f"{lesson.SCHEDULE_LABELS[lab.s.sched]}.",
    )
    takeaway(say.lr_takeaway(rates))


def explanations(lab: Lab) -> None:
    """Why L1 oscillates and L2 settles, what makes L1 converge, median against mean: folded."""
    layout.explain(
        "Why L1 oscillates and L2 settles, when they do",
        (
            "L2's gradient is 2·r·x: it **shrinks with the residual r**, so near the optimum of the batch it is "
            "working on, its steps shrink. L1's gradient is sign(r)·x: a batch's step is lr·|Σ sign(rᵢ)·xᵢ|, which "
            "is the full lr·Σ|xᵢ| whenever the batch's residuals share a sign, **however close w is**. So once L1 is "
            "near its optimum it keeps jumping across it. Without noise, with the article's batches of 2, it stays in "
            "1 ± 4·lr: the width is proportional to lr. With noise and small batches each batch has its own optimum: "
            "L1's band must also cover them, and L2 is pulled from one batch's optimum to the next, so it swings too, "
            "sometimes more than L1 (the table above says where)."
        ),
    )
    layout.explain(
        "What makes L1 converge",
        (
            "Shrink the step. Subgradient methods converge when the learning rates satisfy **Σ lrₜ = ∞** (they can "
            "still travel any distance) and **Σ lrₜ² < ∞** (the jumps die out): Boyd's lecture notes on subgradient "
            "methods. The article's lr0/(1 + decay·t) is one such schedule. "
            + say.decay_sentence(*lesson.decay_demo())
            + " A constant rate fails the second condition; exponential decay with γ < 1 fails the first (it can "
            "stall before arriving)."
        ),
    )
    layout.explain(
        "Median against mean",
        (
            "The L1 optimum of 2·w ≈ y is the **median** of y/2, L2's is the **mean**. With Gaussian noise the mean "
            "is the more precise of the two on average over noise draws (for large samples its error is about "
            "√(π/2) ≈ 1.25 times smaller); in any one draw either can be closer. With 20 samples the L1 optimum is a "
            "whole interval: any w between the 10th and 11th smallest y/2 is optimal. "
            + say.optimum_sentence(lab.optima["l1"], lab.optima["l2"][0])
        ),
    )


def sweep_heading(lab: Lab) -> None:
    st.subheader("Learning-rate sweep")
    st.caption(
        f"{len(lesson.SWEEP_LRS)} constant learning rates from {say.lr_text(min(lesson.SWEEP_LRS))} to "
        f"{say.lr_text(max(lesson.SWEEP_LRS))}, each run for {count(lab.K, 'updates')} from these "
        f"settings, computed in one vectorised pass per loss. The error is the mean |w − 1| over the "
        f"{say.TAIL.describe()} of updates; an open point is a run that had not arrived (it was still travelling "
        "there: its error is where it passed by)."
    )


@st.fragment
def sweep_block(lab: Lab) -> None:
    """The sweep; its toggle reruns only this block."""
    if not st.toggle("Run the sweep", key="n_sweep_show", help="Off until asked: it runs 26 rates per loss."):
        return
    sweep_rows, sweep_errors, came = [], {}, {}
    exps = {k: experiments(lab, k) for k in lab.losses}
    # the rates every loss ran (a thinned sweep keeps fewer for a loss that also runs the draws and the heatmap)
    sweep_lrs = functools.reduce(np.intersect1d, [np.asarray(e.sweep_lrs, dtype=float) for e in exps.values()])
    for k, exp in exps.items():
        keep = np.isin(np.asarray(exp.sweep_lrs, dtype=float), sweep_lrs)
        errors = np.asarray(exp.sweep_error, dtype=float)[keep]
        sweep_errors[k], came[k] = errors, np.asarray(exp.sweep_arrived)[keep]
        sweep_rows.append(pd.DataFrame({"lr": sweep_lrs, "series": LABELS[k], "error": errors, "arrived": came[k]}))
    sweep = pd.concat(sweep_rows)
    sweep = sweep[np.isfinite(sweep["error"])]
    sweep["error"] = sweep["error"].clip(lower=say.ERROR_FLOOR)
    stable = lab.l2_limit if "l2" in lab.losses else None
    layout.chart(
        lesson_charts.sweep_chart(sweep, lab.losses, stable, lab.s["lr"]),
        f"Mean |w − 1| over the {say.TAIL.describe()} of updates against the constant learning rate, on "
        f"log-log axes (errors {say.FLOOR_TEXT} drawn at it), with L2's stability limit marked; an open point is a "
        "run that had not arrived.",
    )
    if note := experiments(lab, lab.losses[0]).note("learning rates"):
        st.caption(f"Showing {note}, evenly spread: all of them would cost more than a rerun may.")
    floors = {k: max(lab.optima[k][0] - 1.0, 1.0 - lab.optima[k][1], 0.0) for k in lab.losses}
    x = lesson.dataset(lab.s.by_key).x
    radius = np.array([core.l2_epoch_radius(x, lr, lab.s["bs"]) for lr in sweep_lrs]) if "l2" in lab.losses else None
    start = abs(lab.s["w0"] - 1.0)
    takeaway(
        say.sweep_takeaway(sweep_lrs, sweep_errors, came, NAMES),
        " ".join(
            say.sweep_sentences(
                sweep_lrs,
                sweep_errors,
                NAMES,
                lab.K,
                start,
                floors=floors,
                l2_limit=stable,
                l2_radius=radius,
                arrived_at=came,
            )
        ),
    )


def _drawn(lab: Lab) -> int:
    """How many draws every drawn loss ran (the first seeds: a thinned loss that also runs the heatmap runs fewer),
    so each loss is compared over the same noise."""
    return min(experiments(lab, k).draw_error.size for k in lab.draw_losses)


def _draw_errors(lab: Lab, k: str) -> np.ndarray:
    """Each draw's mean |w - 1| over its TAIL of updates: the page's one measure, never the final w."""
    return experiments(lab, k).draw_error[: _drawn(lab)]


# Over 50 lines: the many-draws question, its chart, takeaway and fold read one set of draws, in page order.
@st.fragment
def draws_block(lab: Lab) -> None:
    """The noise draws behind their heading and question; answering it reruns only this block."""
    st.subheader(f"Many noise draws ({lesson.SEEDS} seeds)")
    if lab.s["sigma"] == 0:  # every draw of no noise is the same data: the run above, 48 times
        st.caption(say.NO_DRAWS)
        return
    tail = say.TAIL.describe()

    def mean(k: str) -> float:
        return float(np.mean(_draw_errors(lab, k)))

    def seeds() -> np.ndarray:  # the draws run once the question is answered, not before
        return experiments(lab, "l1").draw_seeds[: _drawn(lab)]

    def optimum_error() -> dict[str, float]:  # each loss's optimum's mean distance from 1 over the draws
        opt = lesson.draw_optima(lab.s.by_key, seeds())
        return {
            "l1": float(np.mean(np.abs(opt["l1"].mean(axis=1) - lesson.W_TRUE))),  # the median: the middle
            "l2": float(np.mean(np.abs(opt["l2"] - lesson.W_TRUE))),
        }

    def _floor() -> float | None:  # the optimum's distance for the loss that stays finite, if one diverged
        kept = [k for k in ("l1", "l2") if np.isfinite(mean(k))]
        return optimum_error()[kept[0]] if len(kept) == 1 else None

    if not predict(
        lesson.DRAWS_PREDICT_KEY,
        f"Was that one run luck? Draw the noise {lesson.SEEDS} times at sigma = {lab.s['sigma']:g} and run both "
        f"losses with these settings. On average over the {tail} of each run's updates, which ends closer to the "
        f"true w = {lesson.W_TRUE:g}?",
        lesson.OPTIONS,
        answer=lambda: say.TOO_EARLY if _behind(lab) else say.closer_answer(mean("l1"), mean("l2")),
        explanation=lambda: (
            (
                f"**{capital(say.TOO_EARLY)}:** {_behind(lab)[0]} has not arrived at these settings. "
                if _behind(lab)
                else ""
            )
            + say.closer_explanation(
                mean("l1"), mean("l2"), f"Over the {len(seeds())} draws ({tail} of each run)", floor=_floor()
            )
        ),
    ):
        return
    draws = pd.concat(
        [pd.DataFrame({"seed": seeds(), "series": LABELS[k], "error": _draw_errors(lab, k)}) for k in lab.draw_losses]
    )
    layout.chart(
        lesson_charts.draws_chart(draws, lab.draw_losses),
        f"Mean |w − 1| over the {tail} of updates for each noise draw, one row of dots per loss, with each "
        "loss's mean.",
        answers=True,
    )
    if note := experiments(lab, "l1").note("noise draws"):
        st.caption(f"Showing {note}: all of them would cost more than a rerun may.")
    grid = lesson.l1_grid(lab.s.by_key, next(iter(lab.runs.values())).lr)
    means = {k: mean(k) for k in lab.draw_losses}
    gone = {k: int(np.sum(~np.isfinite(_draw_errors(lab, k)))) for k in lab.draw_losses}
    optima = optimum_error()
    n = len(seeds())
    final = np.abs(experiments(lab, "l1").draw_final[: _drawn(lab)] - lesson.W_TRUE)
    takeaway(
        say.draws_takeaway(means, NAMES, n, _behind(lab), diverged=gone, floors=optima),
        say.draws_sentence(means, optima, None, NAMES, diverged=gone, n_draws=n, going=_behind(lab))
        + " "
        + say.final_misleads(final, grid, lab.s["w0"]),
        answers=True,
    )


@st.fragment
def heat_block(lab: Lab) -> None:
    """The heatmap; its toggle reruns only this block."""
    sigmas = lesson.HEAT_SIGMAS
    with st.expander("Heatmap: how close each run ends, over learning rate × noise", expanded=False):
        show_heat = st.toggle(
            "Compute the heatmap",
            key="n_heat",
            help=f"{len(lesson.HEAT_LRS) * len(sigmas)} runs per loss; off by default to keep the page quick.",
        )
        grids, heat_rows, heat_lrs = {}, {}, ()
        for k in [k for k in ("l1", "l2") if k in lab.losses and show_heat]:
            exp = experiments(lab, k)
            heat_lrs, cell_errors, came = exp.heat_lrs, np.asarray(exp.heat_error, dtype=float), exp.heat_arrived
            shown = np.where(
                np.isfinite(cell_errors), np.maximum(cell_errors, say.ERROR_FLOOR), np.nan
            )  # nan: diverged
            grids[k] = pd.DataFrame(
                [
                    {"lr": lr, "sigma": s, "error": shown[i, j], "arrived": bool(came[i, j])}
                    for i, s in enumerate(sigmas)
                    for j, lr in enumerate(heat_lrs)
                ]
            )
            heat_rows[k] = [(s, heat_lrs, shown[i], came[i]) for i, s in enumerate(sigmas)]
        if not grids:
            return
        layout.chart(
            lesson_charts.heatmap_chart(grids, heat_lrs, sigmas),
            f"Mean |w − 1| over the {say.TAIL.describe()} of updates, over constant learning rates and noise, "
            f"one panel per loss with one colour scale (errors {say.FLOOR_TEXT} drawn at it); faded cells are runs "
            "that had not arrived, grey ones diverged.",
        )
        thinned = experiments(lab, next(iter(grids))).note("heatmap cells")
        layout.seen(say.heat_takeaway(heat_rows, NAMES))
        st.caption(  # a caption, not a fold: the heatmap is inside one already
            "Why, in numbers: each cell runs a constant learning rate, whatever the schedule above. "
            + (f"Showing {thinned}, evenly spread over the rates. " if thinned else "")
            + " ".join(say.heat_sentences(heat_rows, NAMES, lab.l2_limit if "l2" in heat_rows else None))
        )


@st.fragment
def check_block() -> None:
    """The closing question; answering it reruns only this block."""
    check_understanding(
        "n_check",
        CHECK_QUESTION,
        ["stays the same", "roughly halves", "shrinks to zero"],
        "roughly halves",
        "Without noise a batch's two residuals share a sign until w crosses 1, so every step is the full "
        "lr·Σ|xᵢ| = 4·lr. Never landing on 1, w ends hopping between the two points of its grid either side of 1, "
        "4·lr apart: halve lr and the width halves. Only a rate that keeps shrinking (Σ lr = ∞, Σ lr² < ∞) drives it "
        "to zero.",
        wrong=CHECK_WRONG,
    )


# the start must miss w = 1 at both rates: its gap to 1 a whole number of neither step 4·lr nor 2·lr (w0 = 19.5 at
# lr 0.01 misses, 18.5 = 462.5 steps of 0.04, but lands at lr 0.005: 925 steps of 0.02)
CHECK_QUESTION = (
    "No noise, the article's batches of 2, and a start from which the steps never land exactly on w = 1, at either "
    "rate (there every residual is 0 and L1 would stop): you halve a constant learning rate for absolute L1 (and "
    "give it enough updates to arrive). The width of its final oscillation…"
)
CHECK_WRONG = {  # short, read aloud: the explanation under each gives the numbers once
    "stays the same": "The width is set by the step, not by the data: near w = 1 each step is still the full 4·lr.",
    "shrinks to zero": (
        "Only landing exactly on 1, where sign(0) = 0, would stop it, and this start never lands there: a halved "
        "step still jumps across 1."
    ),
}
