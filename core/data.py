"""Datasets: the seed article's setup, noisy lines and outliers, all from a seeded Generator.

Same arguments, same data: every function draws from `np.random.default_rng(seed)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MAX_SAMPLES = 5_000


@dataclass(frozen=True)
class ArticleData:
    """The seed article's data: n samples of y = w_true·x + noise, x the same for every sample."""

    n: int = 20
    x: float = 2.0
    w_true: float = 1.0


ARTICLE = ArticleData()  # read at call time: a lesson that prints it, and the tests, see one declaration


@dataclass(frozen=True)
class Dataset:
    """Samples (x, y) of y = w_true * x + b_true + noise. `is_outlier` marks planted outliers."""

    x: np.ndarray
    y: np.ndarray
    w_true: float = 1.0
    b_true: float = 0.0
    is_outlier: np.ndarray = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        x = np.asarray(self.x, dtype=float).reshape(-1)
        y = np.asarray(self.y, dtype=float).reshape(-1)
        if x.shape != y.shape:
            raise ValueError(f"x and y need the same length, got {x.size} and {y.size}")
        if x.size == 0:
            raise ValueError("a dataset needs at least one sample")
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            raise ValueError("x and y must be finite numbers")
        mask = np.zeros(x.size, bool) if self.is_outlier is None else np.asarray(self.is_outlier, bool)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "is_outlier", mask)

    @property
    def n(self) -> int:
        return int(self.x.size)


def _check_range(name: str, value: float, lo: float, hi: float) -> float:
    value = float(value)
    if not (np.isfinite(value) and lo <= value <= hi):
        raise ValueError(f"{name} must lie in [{lo}, {hi}], got {value}")
    return value


def outlier_count(n: int, outlier_fraction: float) -> int:
    """How many of n samples `make_dataset` shifts: round(outlier_fraction * n), halves to even (35% of 30 is 10)."""
    return int(round(outlier_fraction * n))


def make_dataset(
    n: int = 20,
    x: float | tuple[float, float] = 2.0,
    w_true: float = 1.0,
    b_true: float = 0.0,
    noise_sigma: float = 0.0,
    *,
    outlier_fraction: float = 0.0,
    outlier_size: float = 0.0,
    seed: int = 0,
) -> Dataset:
    """n samples of y = w_true * x + b_true + N(0, noise_sigma**2).

    `x` is one value for every sample (the article uses 2) or a range (lo, hi) drawn
    uniformly. `outlier_count(n, outlier_fraction)` samples, chosen at random, get
    `outlier_size` added to y and are marked in `is_outlier`.
    """
    if not (isinstance(n, (int, np.integer)) and 1 <= n <= MAX_SAMPLES):
        raise ValueError(f"n must be a whole number in [1, {MAX_SAMPLES}], got {n!r}")
    noise_sigma = _check_range("noise_sigma", noise_sigma, 0.0, 1e6)
    outlier_fraction = _check_range("outlier_fraction", outlier_fraction, 0.0, 1.0)
    outlier_size = _check_range("outlier_size", outlier_size, -1e6, 1e6)
    rng = np.random.default_rng(seed)
    if isinstance(x, tuple):
        lo, hi = (_check_range("x range", v, -1e6, 1e6) for v in x)
        xs = rng.uniform(min(lo, hi), max(lo, hi), n)
    else:
        xs = np.full(n, _check_range("x", x, -1e6, 1e6))
    noise = rng.normal(0.0, noise_sigma, n) if noise_sigma > 0 else np.zeros(n)
    y = w_true * xs + b_true + noise
    mask = np.zeros(n, bool)
    mask[rng.permutation(n)[: outlier_count(n, outlier_fraction)]] = True
    y = np.where(mask, y + outlier_size, y)
    return Dataset(xs, y, float(w_true), float(b_true), mask)


def article_dataset(noise_sigma: float = 0.0, seed: int = 0) -> Dataset:
    """The seed article's data (ARTICLE: 20 samples, x = 2 everywhere, w_true = 1), y = w_true x + noise."""
    return make_dataset(n=ARTICLE.n, x=ARTICLE.x, w_true=ARTICLE.w_true, noise_sigma=noise_sigma, seed=seed)
