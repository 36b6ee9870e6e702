"""The landscape page's sentences and verdicts, computed from the optimisers' runs on screen."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

TIE_RELATIVE = 0.01  # two best losses within 1% of each other (of the larger excess) are a tie
TIE_ABSOLUTE = 1e-6  # ... or both within 1e-6 x max(1, f*) of the optimum: rounding, not a race
FLOAT_ROUNDING = 1e-12  # a loss within 1e-12 x max(1, f*) of the optimum is on it, as floating point computes both
SIGN_DESCENT = (2 / 3, 1.5)  # Adam's median step / lr in this range: it moves like sign descent


def best_excess(best_loss: np.ndarray, f_star: float) -> float:
    """The lowest finite loss a run reached, minus the optimal loss (inf if the run has no finite loss)."""
    finite = np.asarray(best_loss, dtype=float)
    finite = finite[np.isfinite(finite)]
    return float(finite.min() - f_star) if finite.size else float("inf")


def excess_text(excess: float, f_star: float) -> str:
    """A run's best loss minus the optimum as the page prints it: "0 (to rounding)" within FLOAT_ROUNDING·max(1, |f*|)
    of it (the summed loss and f* can part by that much in floating point, so a run can print a few ulps under f*),
    else 3 significant digits, however small (3.11e-08 is a real, if tiny, excess)."""
    return "0 (to rounding)" if abs(excess) <= FLOAT_ROUNDING * max(1.0, abs(f_star)) else f"{excess:.3g}"


def tie_tolerance(excess: Mapping[str, float], f_star: float) -> float:
    """How much above the best excess still counts as as close: TIE_ABSOLUTE·max(1, |f*|) or 1% of the best."""
    best = min(excess.values())
    return max(TIE_ABSOLUTE * max(1.0, abs(f_star)), TIE_RELATIVE * best if np.isfinite(best) else 0.0)


def closest(excess: Mapping[str, float], f_star: float) -> list[str]:
    """The optimisers whose best loss is within the tie tolerance of the best one's, best first."""
    best, tol = min(excess.values()), tie_tolerance(excess, f_star)
    return sorted((o for o, e in excess.items() if e <= best + tol), key=lambda o: excess[o])


def race_answer(excess: Mapping[str, float], f_star: float, picked: str | None) -> str:
    """The student's pick if it ties with the best (within the tolerance), else the best optimiser."""
    winners = closest(excess, f_star)
    return picked if picked in winners else winners[0]


def _loss(e: float, f_star: float) -> str:
    return "no finite loss (diverged)" if not np.isfinite(e) else excess_text(max(e, 0.0), f_star)


def race_explanation(excess: Mapping[str, float], f_star: float, labels: Mapping[str, str], steps: int) -> str:
    """Why, in numbers: each optimiser's best loss minus the optimum, and who ties with the best."""
    winners = closest(excess, f_star)
    numbers = "; ".join(f"{labels[o]} {_loss(excess[o], f_star)}" for o in sorted(excess, key=lambda o: excess[o]))
    tol = tie_tolerance(excess, f_star)
    if len(winners) == 1:
        lead = f"{labels[winners[0]]} gets closest"
    else:
        lead = f"{' and '.join(labels[o] for o in winners)} tie (within {tol:.2g} of each other)"
    return (
        f"{lead}. Lowest loss reached within {steps} updates, minus the optimal loss {f_star:.4g}: {numbers}. "
        "Compare the loss curves and the paths on the map."
    )


def crease_crossings(w: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray, last: int = 100) -> tuple[float, int]:
    """(share of the last `last` finite updates in which some residual changed sign, how many updates that is)."""
    w, b = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
    finite = np.isfinite(w) & np.isfinite(b)
    end = int(np.argmin(finite)) if not finite.all() else w.size  # a diverged run: up to where it blew up
    w, b = w[:end], b[:end]
    if w.size < 2:
        return 0.0, 0
    signs = np.sign(np.outer(w, x) + b[:, None] - y)
    flips = np.any(signs[1:] != signs[:-1], axis=1)[-last:]
    return float(flips.mean()), int(flips.size)


def crease_seen(share: float, updates: int, schedule: str, lr_ratio: float = 1.0) -> str:
    """What plain subgradient descent did at the creases in its last updates, for a constant or decaying lr
    (`lr_ratio`: the last update's lr over the first's)."""
    if updates == 0:
        return "Plain subgradient descent made no finite update to look at."
    if share == 0:
        return (
            f"Plain subgradient descent crossed no crease in its last {updates} updates: every residual kept its "
            "sign, so it is still sliding down one planar facet (a tilted plane), where the gradient does not "
            "shrink as it goes."
        )
    text = (
        f"Plain subgradient descent crossed a crease in **{share:.0%}** of its last {updates} updates: every time a "
        "residual changes sign, the subgradient jumps. "
    )
    if schedule == "constant":
        return text + (
            "With a constant lr nothing makes the step shrink near the bottom (on each facet the subgradient is "
            "constant), so it overshoots back across the crease. That is the zig-zag: the surface is made of planar "
            "facets (tilted planes) joined at creases, and the gradient on a facet does not shrink as you near the "
            "bottom."
        )
    return text + (
        f"The lr decays as lr/√(1 + t), to {lr_ratio:.2g} of its first value by the last update, so the jumps "
        "across the creases shrink with it, although the gradient on a facet does not."
    )


def step_ratio(w: np.ndarray, lr: np.ndarray, first: int = 50) -> float:
    """Median |w_k - w_(k-1)| / lr_k over the first `first` updates (finite ones; nan if none)."""
    steps = np.abs(np.diff(np.asarray(w, dtype=float)[: first + 1])) / np.asarray(lr, dtype=float)[1 : first + 1]
    steps = steps[np.isfinite(steps)]
    return float(np.median(steps)) if steps.size else float("nan")


def sign_changes(grad: np.ndarray, first: int = 50) -> float:
    """Share of the first `first` updates whose gradient in w has the other sign than the update before."""
    g = np.sign(np.asarray(grad, dtype=float)[1 : first + 1])
    g = g[np.isfinite(g)]
    return float(np.mean(g[1:] != g[:-1])) if g.size > 1 else 0.0


def adam_seen(ratio: float, flips: float, beta2: float, updates: int) -> str:
    """Whether Adam moved like sign descent (median step within SIGN_DESCENT × lr) over its first updates."""
    if not np.isfinite(ratio):
        return "Adam made no finite step to measure."
    lo, hi = SIGN_DESCENT
    text = f"Over its first {updates} updates Adam's steps in w have a median size of **{ratio:.2f} × lr**"
    if lo <= ratio <= hi:
        return text + (
            ": it behaves like **sign descent**. Adam divides each coordinate's running mean gradient m̂ by the root "
            "of its running mean square √v̂, so while the gradient keeps its sign and size, m̂/√v̂ ≈ g/|g| = sign(g) "
            f"and every coordinate moves by about lr whatever the gradient's scale (its sign in w changed in "
            f"{flips:.0%} of these updates)."
        )
    if ratio < lo:
        return text + (
            f", well under lr: not sign descent here. The gradient's sign in w changed in {flips:.0%} of these "
            "updates, and opposite signs cancel in the running mean m̂ while the running mean square √v̂ keeps "
            "their size."
        )
    return text + (
        f", above lr: not sign descent here. m̂/√v̂ exceeds 1 when recent gradients are larger than the root mean "
        f"square √v̂, which follows them slowly (β₂ = {beta2:.4g})."
    )
