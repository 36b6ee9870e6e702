"""The noise and learning-rate lesson: absolute L1 against L2 on the article's y = 2·w + noise, mini-batches.

Its controls and presets, and the experiment behind the page's first Predict-first question: run both losses
at the control values (by key) and say which ends closer to the true w = 1 over the TAIL of updates; and
the article's claim at each of its presets (`article_claim`, the page's table). Runs go through ui.compute, so the
page and the "For teachers" page share them.

Over 400 lines: the lesson's controls, presets, three questions and their verdicts, read by page and teachers.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence

import numpy as np

import core
from ui import compute, follow, frames
from ui.controls import Control, log_options, loss_params
from ui.lessons import Lesson
from ui.lessons.noise import compute as lesson_compute
from ui.lessons.noise import sentences as say
from ui.words import count

N, X, W_TRUE = core.data.ARTICLE.n, core.data.ARTICLE.x, core.data.ARTICLE.w_true  # for the page's words
SCHEDULE_LABELS = {
    "constant": "constant",
    "inverse_time": "lr0/(1 + decay·t)",  # each short enough for the select box (a read saw "…lr0/(" clipped)
    "exponential": "lr0·γᵗ",
    "step": "lr0·factor every n",
    "inverse_sqrt": "lr0/√(1 + t)",
    "cosine": "cosine to zero",
}
C = {
    "sigma": Control("n_sigma", "Noise sigma", "float", 0.05, lo=0.0, hi=10.0, step=0.05),
    "lr": Control(  # its readout as the sentences print it: 0.00001, not 1e-05
        "n_lr", "Learning rate (lr0)", "log", 0.01, options=log_options(1e-5, 1.0), format_func=say.lr_text
    ),
    "sched": Control(
        "n_sched", "Schedule", "choice", "constant", options=tuple(SCHEDULE_LABELS), format_func=SCHEDULE_LABELS.get
    ),
    "decay": Control(
        "n_decay", "decay", "log", 0.0005, options=(*log_options(1e-5, 1.0), 0.0005), format_func=say.lr_text
    ),
    "gamma": Control("n_gamma", "γ per update", "float", 0.999, lo=0.99, hi=1.0, step=0.0005),
    "factor": Control("n_factor", "factor", "float", 0.5, lo=0.1, hi=0.9, step=0.05),
    "every": Control("n_every", "every n updates", "int", 1000, lo=10, hi=5000, step=10),
    "bs": Control("n_bs", "Batch size", "int", 2, lo=1, hi=20, step=1),
    "epochs": Control(
        "n_epochs", "Epochs", "int", 200, lo=1, hi=1000, step=1, help="Updates = epochs × ⌈20 / batch size⌉"
    ),
    "w0": Control("n_w0", "Start w0", "float", 20.0, lo=-30.0, hi=30.0, step=0.5),
    "seed": Control("n_seed", "Noise seed", "int", 0, lo=0, hi=99, step=1),
    "shuffle": Control("n_shuffle", "Shuffle each epoch", "bool", False),
    "l1": Control("n_l1", "Show the absolute-L1 run", "bool", True),
    "l2": Control("n_l2", "Show the L2 run", "bool", True),
    "huber": Control("n_huber", "Show the Huber run", "bool", False),
    "delta": Control.from_param("n_delta", core.LOSSES["huber"].param("delta")),
}
CONTROLS = list(C.values())
LR_SLIDER = follow.Slider("lr", C["lr"])  # the w chart's own slider (ui.follow): the runs at every rate it offers
# The article's printed code: 20 samples, w0 = 20, batches of 2 in order, lr 0.01, epoches = 20. For its sigma 5
# figures it names lr 0.001, then 0.0001 ("we need more iterations") and decay 1/2000 from 0.01, but no epoch count.
ARTICLE_EPOCHS = 20
ARTICLE_SETTINGS = (
    f"The article's printed code: {core.data.ARTICLE.n} samples, w0 = 20, batches of 2 in order, lr 0.01, "
    f"{ARTICLE_EPOCHS} epochs. For noise sigma 5 it names lr 0.001, lr 0.0001 and a "
    "decay of 1/2000 from lr 0.01, but no epoch count."
)
# Each preset named after the article keeps its setting and says what is ours: the epochs, enough for absolute L1
# to arrive where it can (at the article's 20 it is still travelling). A changed setting is named a variant.
DECAY_PRESET = "The article's setting, sigma 5, decay 1/2000 from lr 0.01 (ours: 1,000 epochs)"
# No noise: from the article's w0 = 20, 475 steps of 4·lr = 0.04 land exactly on w = 1, where sign(0) = 0 and L1
# would stop, and only the arithmetic's rounding moves it on (every verdict would hang on it); from 19.5 the steps
# of 0.04 never land on 1, and L1's swing across it is real in exact arithmetic too
NO_NOISE_W0 = 19.5
NO_NOISE_PRESET = f"The article's setting, no noise, lr 0.01 (ours: w0 = {NO_NOISE_W0:g}, 200 epochs)"
ARTICLE_PRESETS = {
    NO_NOISE_PRESET: {"n_sigma": 0.0, "n_lr": 0.01, "n_epochs": 200, "n_w0": NO_NOISE_W0},
    "The article's setting, sigma 0.05, lr 0.01 (ours: 200 epochs; the default)": {
        "n_sigma": 0.05,
        "n_lr": 0.01,
        "n_epochs": 200,
    },
    "The article's setting, sigma 5, lr 0.001 (ours: 1,000 epochs)": {
        "n_sigma": 5.0,
        "n_lr": 0.001,
        "n_epochs": 1000,
    },
    "The article's setting, sigma 5, lr 0.0001 (ours: 1,000 epochs)": {
        "n_sigma": 5.0,
        "n_lr": 0.0001,
        "n_epochs": 1000,
    },
    # the page sends the student here for "what makes L1 converge": at 200 epochs lr only halved and L1's swing
    # with it (0.084); over the 1,000 the slider allows it falls to a sixth, and the swing with it (`decay_demo`)
    DECAY_PRESET: {
        "n_sigma": 5.0,
        "n_lr": 0.01,
        "n_sched": "inverse_time",
        "n_decay": 0.0005,
        "n_epochs": 1000,
    },
}
SHORT_NAMES = dict(  # the claim table's rows: short enough for a phone
    zip(
        ARTICLE_PRESETS,
        [
            f"no noise, lr 0.01, w0 {NO_NOISE_W0:g}",
            "σ 0.05, lr 0.01",
            "σ 5, lr 0.001",
            "σ 5, lr 0.0001",
            "σ 5, decay from 0.01",
        ],
        strict=True,
    )
)
PRESETS = {
    **ARTICLE_PRESETS,
    # absolute L1 never travels here: it starts at an answer (its interval of optima is 0.453 to 0.670) and stays;
    # L2, pulled by each noisy batch, keeps swinging
    "Variant: sigma 5, lr 0.0001, 1,000 epochs, from w0 = 0.5, inside absolute L1's optimum interval": {
        "n_sigma": 5.0,
        "n_lr": 0.0001,
        "n_epochs": 1000,
        "n_w0": 0.5,
    },
}
PREDICT_KEY = "n_predict"
SUMMABLE = ("exponential", "step")  # schedules whose steps add up to a finite distance, however many epochs
DRAWS_PREDICT_KEY = "n_draws_predict"  # the many-draws question, the page's second
# The slide view's screens after the questions', in page order (Lesson.slides): the page wraps each block in its own
CLAIM, LOSS, RATE, WHY, STEP, SWEEP, HEAT = SLIDES = (  # the loss and the rate each its own: together they scrolled
    "The claim, preset by preset",
    "Loss over updates",
    "Learning rate over updates",
    "Why, in three folds",
    "Step through the run",
    "Learning-rate sweep",
    "Learning rate × noise",
)
LOSS_KEYS = ("l1", "l2", "huber")  # the runs the page can show, each behind its control of the same name
SWEEP_LRS = tuple(float(v) for v in np.logspace(-5, 0, 26))  # the sweep's constant rates
HEAT_LRS = tuple(float(v) for v in np.logspace(-4, -0.5, 8))  # the heatmap's columns
HEAT_SIGMAS = (0.0, 0.05, 0.5, 1.0, 2.0, 5.0, 10.0)  # its rows
SEEDS = 48  # the noise draws
OPTIONS = (say.L1_NAME, say.L2_NAME, say.SAME, say.TOO_EARLY)  # the first question's answers (and the second's)


def updates(values: Mapping[str, object]) -> int:
    """Updates in a run on the article's data (core.updates_per_run)."""
    return core.updates_per_run(core.data.ARTICLE.n, int(values["n_bs"]), int(values["n_epochs"]))


def schedule(values: Mapping[str, object]) -> tuple:
    """The learning-rate schedule as ui.compute.run takes it: (name, lr0, ((param, value), ...))."""
    name = values["n_sched"]
    params = {
        "inverse_time": (("decay", values["n_decay"]),),
        "exponential": (("gamma", values["n_gamma"]),),
        "step": (("factor", values["n_factor"]), ("every", values["n_every"])),
        "cosine": (("total", updates(values)),),
    }.get(name, ())
    return (name, values["n_lr"], params)


def dataset(values: Mapping[str, object]) -> core.Dataset:
    """The article's 20 samples with the noise of these values (cached)."""
    article = core.data.ARTICLE
    return compute.dataset(
        n=article.n, x=article.x, w_true=article.w_true, noise_sigma=values["n_sigma"], seed=values["n_seed"]
    )


def root(values: Mapping[str, object]) -> float | None:
    """The w where every sample's residual y − w·x is 0 (noise-free data), or None when the samples disagree."""
    data = dataset(values)
    x, y = np.asarray(data.x, dtype=float), np.asarray(data.y, dtype=float)
    if np.any(x == 0):
        return None
    ratio = y / x
    return float(ratio[0]) if np.ptp(ratio) <= 4 * np.finfo(float).eps * max(1.0, np.max(np.abs(ratio))) else None


def run(values: Mapping[str, object], loss: str) -> core.Trajectory:
    """One loss's run at these values (cached, shared by every page that asks for the same run)."""
    return compute.run(
        dataset(values),
        loss,
        schedule(values),
        values["n_w0"],
        values["n_bs"],
        epochs=values["n_epochs"],
        shuffle=values["n_shuffle"],
        shuffle_seed=values["n_seed"],
        **loss_params(loss, values, C),
    )


@functools.cache  # the presets never change: each is run once per process, whatever the run cache evicts
def article_claim(name: str, epochs: int | None = None) -> tuple[bool | None, float, float]:
    """The article's claim at its preset `name` (seed 0, batches in order), run for the preset's epochs or
    `epochs`, decided as the page decides it on screen: (holds, or None for a schedule that is not constant;
    L1's swing; L2's swing over the TAIL)."""
    l1, l2, ok = _claim_runs(name, epochs)
    start = say.tail_start(l1.n_updates)
    return ok, float(np.ptp(l1.w[start:])), float(np.ptp(l2.w[start:]))


def _claim_runs(name: str, epochs: int | None) -> tuple[core.Trajectory, core.Trajectory, bool | None]:
    p = {c.key: c.default for c in CONTROLS} | ARTICLE_PRESETS[name]
    if epochs is not None:
        p["n_epochs"] = epochs
    l1, l2 = run(p, "l1"), run(p, "l2")
    start = say.tail_start(l1.n_updates)
    ok, _ = say.claim(
        say.window(l1.w, start, root(p)),
        say.window(l2.w, start),
        l2.diverged_at,
        rates=l1.lr,
        sigma=p["n_sigma"],
        batch_size=p["n_bs"],
        n=N,
        l1_never_left=say.never_left(l1.w, optima(p, ["l1"])["l1"]),
    )
    return l1, l2, ok


@functools.cache
def article_verdict(name: str, epochs: int | None = None) -> str:
    """The claim table's cell: "yes", "no", "not a constant step", or "L1 still travelling" (it has not arrived,
    so the run cannot test the claim), at the preset's epochs or `epochs`."""
    l1, _, ok = _claim_runs(name, epochs)
    p = {c.key: c.default for c in CONTROLS} | ARTICLE_PRESETS[name]
    if say.window(l1.w, say.tail_start(l1.n_updates), root(p)).lands:
        return "L1 lands on 1"
    if ok is None:
        return "not a constant step"
    if ok:
        return "yes"
    return "L1 still travelling" if say.window(l1.w, say.tail_start(l1.n_updates)).drifting else "no"


@functools.cache  # the preset never changes: run once per process
def decay_demo() -> tuple[float, float, float, int]:
    """What the decay preset shows of "what makes L1 converge": (its last rate as a share of lr0, absolute L1's
    swing over the TAIL, the swing of the same run at a constant lr0, its updates)."""
    p = {c.key: c.default for c in CONTROLS} | ARTICLE_PRESETS[DECAY_PRESET]
    decayed, constant = run(p, "l1"), run(p | {"n_sched": "constant"}, "l1")
    start = say.tail_start(decayed.n_updates)
    return (
        float(decayed.lr[-1] / decayed.lr[1]),
        float(np.ptp(decayed.w[start:])),
        float(np.ptp(constant.w[start:])),
        decayed.n_updates,
    )


def tail_error(trajectory: core.Trajectory) -> float:
    """Mean |w − 1| over the TAIL of updates (say.mean_error): one lucky jump does not decide (inf once
    diverged)."""
    if trajectory.diverged_at is not None:
        return float("inf")
    return say.mean_error(trajectory.w, W_TRUE)


def last_tenth(values: Mapping[str, object]) -> str:
    return say.last_updates(updates(values))


def question(values: Mapping[str, object]) -> str:
    """The first Predict-first question at these values."""
    return (
        f"Noise sigma = {values['n_sigma']:g}, learning rate {say.lr_text(values['n_lr'])}, "
        f"{count(updates(values), 'updates')}. Which ends closer to the true w = 1, by its mean distance |w − 1| "
        f"over the {say.TAIL.describe()} of updates?"
    )


def expected(values: Mapping[str, object]) -> tuple[str, str]:
    """(the closer loss, the errors that decide it), from the L1 and L2 runs at these values."""
    l1, l2 = run(values, "l1"), run(values, "l2")
    e1, e2 = tail_error(l1), tail_error(l2)
    start = say.tail_start(updates(values))
    tails = [say.window(r.w, start, root(values)) if r.diverged_at is None else None for r in (l1, l2)]
    found = optima(values, ["l1", "l2"])
    kept = [k for k, e in (("l1", e1), ("l2", e2)) if np.isfinite(e)]
    floor = optimum_distance(found[kept[0]]) if len(kept) == 1 else None  # one diverged: the other's optimum
    # judged by the run on screen, as its chart draws it (a landing on 1 that rounding moves on is the fold's story)
    return say.closer_verdict(e1, e2, *tails), say.closer_explanation(e1, e2, last_tenth(values), *tails, floor=floor)


def optimum_distance(interval: tuple[float, float]) -> float:
    """How far an optimum (an interval: absolute L1's; a point: the others') lies from the true w: the distance
    from w = 1 to its middle, as the many-draws fold measures the median."""
    return abs((interval[0] + interval[1]) / 2 - W_TRUE)


def setup_text() -> str:
    """The setup fold: the article's data, as core declares it."""
    article = core.data.ARTICLE
    return (
        f"The blog post's setup again: {article.n} samples of **y = {article.x:g}·w + noise**, true w = "
        f"{article.w_true:g}, one update per "
        "batch (the article's batches go in order; Settings can shuffle them). Now with the absolute value in place, "
        "against L2."
    )


def shown_losses(values: Mapping[str, object]) -> list[str]:
    """The losses whose run is switched on, in LOSS_KEYS order."""
    return [k for k in LOSS_KEYS if values[C[k].key]]


def optima(values: Mapping[str, object], losses: Sequence[str]) -> dict[str, tuple[float, float]]:
    """Each loss's optimum on the data as an interval (lo, hi): L1's is a whole interval, the others a point."""
    data = dataset(values)
    found = {"l1": core.l1_minimizers(data.x, data.y), "l2": (core.l2_optimum(data.x, data.y),) * 2}
    if "huber" in losses:
        w = core.fit_line("huber", data.x, data.y, fit_bias=False, **loss_params("huber", values, C))[0]
        found["huber"] = (w, w)
    return found


def band(values: Mapping[str, object], rates: np.ndarray) -> tuple[float, float] | None:
    """Absolute L1's constant-step band (core.oscillation_band), or None when the run's rates were not constant
    (read from the rates it ran, not the schedule's name)."""
    if not say.constant_rate(rates):
        return None
    data = dataset(values)
    return core.oscillation_band(data.x, data.y, values["n_lr"], values["n_bs"], values["n_shuffle"])


def l1_grid(values: Mapping[str, object], rates: np.ndarray) -> float | None:
    """The unit of absolute L1's steps, when every step is a whole multiple of it: a constant rate (read from the
    rates the run took) and every |xᵢ| equal; else None. A batch of m samples steps lr·|x|·|Σ sign(rᵢ)|: on
    noise-free data a batch's residuals share a sign, so each step is 0 or lr·m·|x| and the unit is lr·|x| times the
    gcd of the batch sizes; with noise the signs mix, Σ sign(rᵢ) has the parity of m, and the unit is 2·lr·|x| when
    every batch is even, else lr·|x|."""
    x = np.abs(dataset(values).x)
    taken = np.asarray(rates, dtype=float)
    if not say.constant_rate(taken) or np.ptp(x) > 0:
        return None
    bs = min(int(values["n_bs"]), x.size)
    sizes = {bs} | ({x.size % bs} if x.size % bs else set())
    k = math.gcd(*sizes) if root(values) is not None else (2 if all(m % 2 == 0 for m in sizes) else 1)
    return float(taken[~np.isnan(taken)][0] * x[0] * k)


def off_grid_start(values: Mapping[str, object], grid: float | None) -> float | None:
    """The w0 slider's value nearest the current start from which absolute L1's step grid misses w = 1, or None."""
    c, w0 = C["w0"], float(values["n_w0"])
    if not grid:
        return None
    near = sorted(np.arange(c.lo, c.hi + c.step / 2, c.step), key=lambda v: (abs(v - w0), v))
    return next((float(v) for v in near if not say.on_grid(W_TRUE, float(v), grid)), None)


def l1_full_step(values: Mapping[str, object], l1: core.Trajectory, tail_from: int) -> float:
    """L1's largest possible step over the tail: its largest rate there times the largest batch's Σ|x|."""
    x = np.abs(dataset(values).x)
    biggest_batch = float(np.sum(np.sort(x)[-min(int(values["n_bs"]), x.size) :]))
    return float(np.max(l1.lr[tail_from + 1 :])) * biggest_batch


def run_rows(
    runs: Mapping[str, core.Trajectory],
    found: Mapping[str, tuple[float, float]],
    l1_band: tuple[float, float] | None,
    labels: Mapping[str, str],
) -> list[dict]:
    """The numbers table under the verdict, one row per run (by loss key): how close it ends, its swing over the
    TAIL, when it entered its band (L1's theoretical one; the others a band as wide around their own optimum)."""
    rows = []
    for k, run_k in runs.items():
        lo, hi = found[k]
        half = (l1_band[1] - l1_band[0]) / 2 if l1_band is not None else None
        own = (lo - half, hi + half) if half is not None else None
        error = tail_error(run_k)
        rows.append(
            {
                "loss": labels[k],
                error_column(): error if np.isfinite(error) else None,
                swing_column(): frames.finite_stat(np.ptp, run_k.w[say.tail_start(run_k.n_updates) :]),
                "in the band from update": core.entered_band_at(run_k.w, l1_band if k == "l1" else own)
                if own
                else None,
                "diverged at": frames.diverged_text(run_k.diverged_at),
            }
        )
    return rows


def error_column() -> str:
    return f"mean |w − 1|, {say.TAIL.describe()}"


def swing_column() -> str:
    return f"swing in the {say.TAIL.describe()} (max − min)"


def draw_optima(values: Mapping[str, object], seeds: np.ndarray) -> dict[str, np.ndarray]:
    """Each noise draw's L1 interval and L2 optimum, on the data sets the draws ran on (lesson_compute.noise_data)."""
    sets = [lesson_compute.noise_data(float(values["n_sigma"]), int(s)) for s in seeds]
    return {
        "l1": np.array([core.l1_minimizers(d.x, d.y) for d in sets]),
        "l2": np.array([core.l2_optimum(d.x, d.y) for d in sets]),
    }


LESSON = Lesson(
    page="noise_and_learning_rate",
    title="Noise and learning rate",
    predict_key=PREDICT_KEY,
    later_questions=(DRAWS_PREDICT_KEY,),
    slides=SLIDES,
    controls=tuple(CONTROLS),
    presets=PRESETS,
    question=question,
    expected=expected,
    wrong={  # each read aloud in a hall: at most about 40 words, the numbers in the answer's fold below it
        say.L1_NAME: (
            "Robust means an outlier cannot drag L1's optimum far; it says nothing about the steps. With a constant "
            "rate L1's step keeps its full size near w = 1, so it keeps jumping across; L2's step shrinks as w "
            "arrives."
        ),
        say.SAME: (
            "The question is where descent ends, not where the optimum is. Both optima are close at the defaults, "
            "but L1 keeps swinging around its optimum while L2 slows down and settles near its own."
        ),
        say.TOO_EARLY: (
            "Both runs have arrived: over the last 10% each goes back and forth around where it stays, neither is "
            "still moving one way, so how close each ends can be compared."
        ),
    },
    show=(
        *list(ARTICLE_PRESETS)[2:],  # sigma 5: lr 0.001, lr 0.0001, the decay
    ),
    minutes=10,
    trim="the heatmap and the sweep: keep the first question and the many-draws chart",
    say=(
        "Ask what one step looks like near w = 1: L2's is lr·Σ2·r·x and shrinks with the residual r, L1's is "
        "lr·|Σ sign(r)·x|, the same size however close w is. Then open the sigma 5 presets and ask again: the noise "
        "moves L2's target, and the answer can change."
    ),
)
