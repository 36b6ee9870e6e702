"""Gradient descent trajectories: one run (`descend`), and many at once (`descend_many`).

The loop is the seed article's: each epoch walks the data in batches of `batch_size`
(in order, or shuffled by a seeded Generator), sums the per-sample gradient over the batch,
and makes one update per batch. The model is y_hat = w x (+ b when `fit_bias`).

Indexing: arrays are indexed by update k = 0..K; index 0 is the start. `lr[k]` and `grad[k]`
belong to update k (the one that produced w[k] from w[k-1]), so their index 0 is nan.
The schedule is called with t = k - 1, so t = 0 for the first update.

Divergence: a state that is not finite or exceeds DIVERGENCE_LIMIT in size counts as
diverged. `diverged_at` is the first such update; from there on the run's values are nan.
No numpy warning escapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.data import Dataset
from core.losses import _GRAD, _VALUE, check_loss_name, scalar_grad, scalar_value
from core.optimizers import Optimizer, make_optimizer, scalar_rule
from core.schedules import Schedule, check_lr, check_rates, rates

MAX_UPDATES = 20_000  # updates in one run
MAX_RUN_UPDATES = 4_000_000  # updates x configurations in one call
MAX_SAMPLE_UPDATES = 40_000_000  # updates x configurations x samples per gradient
DIVERGENCE_LIMIT = 1e12
_LOSS_CHUNK = 1 << 20  # elements per block when evaluating the full-data loss
_SCALAR_WORK = 32  # runs x samples per gradient up to which plain Python floats beat numpy arrays


@dataclass(frozen=True)
class Trajectory:
    """A run (arrays of shape (K+1,)) or many runs (shape (C, K+1)); see the module doc."""

    w: np.ndarray
    b: np.ndarray
    lr: np.ndarray
    grad: np.ndarray  # d(batch loss)/dw of each update
    grad_b: np.ndarray  # d(batch loss)/db of each update (0 when the bias is not fitted)
    loss: np.ndarray  # loss summed over the whole data set, at each state
    best_loss: np.ndarray  # lowest loss so far
    diverged_at: int | None | tuple[int | None, ...]
    updates_per_epoch: int

    @property
    def n_updates(self) -> int:
        return int(self.w.shape[-1] - 1)


def _check(name: str, ok: bool, allowed: str, value) -> None:
    if not ok:
        raise ValueError(f"{name} must be {allowed}, got {value!r}")


def _batches(n: int, batch_size: int, epochs: int, shuffle: bool, seed: int) -> list[np.ndarray]:
    if not shuffle:  # the same batches every epoch: the same array objects too
        order = np.arange(n)
        return [order[i : i + batch_size] for i in range(0, n, batch_size)] * epochs
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(epochs):
        order = rng.permutation(n)
        out.extend(order[i : i + batch_size] for i in range(0, n, batch_size))
    return out


def _stack_data(data: Dataset | Sequence[Dataset]) -> tuple[np.ndarray, np.ndarray]:
    sets = [data] if isinstance(data, Dataset) else list(data)
    _check("data", len(sets) > 0 and all(isinstance(d, Dataset) for d in sets), "a Dataset or a list of them", data)
    _check("data", len({d.n for d in sets}) == 1, "datasets of one size", [d.n for d in sets])
    return np.stack([d.x for d in sets]), np.stack([d.y for d in sets])


def _lr_table(lr, n_updates: int) -> np.ndarray:
    """(C, K) learning rates from a float, a schedule, an array of floats or a list of schedules.

    One rule (core.schedules): a constant rate is a finite number > 0 (`check_lr`); a schedule's rates
    are finite and >= 0 at every update (`check_rates`).
    """
    if callable(lr) or np.isscalar(lr):
        return check_rates(rates(lr, n_updates)[None, :])
    if isinstance(lr, np.ndarray) or all(np.isscalar(v) for v in lr):
        arr = np.asarray(lr).reshape(-1)
        _check("lr", arr.size > 0, "a non-empty array of rates", lr)
        arr = np.array([check_lr(v) for v in arr.tolist()])
        return arr[:, None] * np.ones((1, n_updates))
    return check_rates(np.stack([rates(s, n_updates) for s in lr]))


def _broadcast(sizes: dict[str, int]) -> int:
    varying = {k: v for k, v in sizes.items() if v != 1}
    if len(set(varying.values())) > 1:
        raise ValueError(f"arguments given as arrays must have one length, got {varying}")
    return next(iter(varying.values()), 1)


def _full_loss(loss_fn, params: dict, X, Y, W, B) -> np.ndarray:
    """Sum over samples of loss(W x + B - y), per configuration and state, in bounded blocks."""
    C, K1 = W.shape
    out = np.empty((C, K1))
    step = max(1, _LOSS_CHUNK // max(1, C * X.shape[1]))
    for s in range(0, K1, step):
        r = W[:, s : s + step, None] * X[:, None, :] - Y[:, None, :]
        r += B[:, s : s + step, None]
        out[:, s : s + step] = loss_fn(r, **params).sum(axis=2)
    return out


def _kill_after_divergence(*arrays: np.ndarray) -> tuple[np.ndarray, tuple[int | None, ...]]:
    w, b = arrays[0], arrays[1]
    bad = ~(np.isfinite(w) & np.isfinite(b)) | (np.abs(w) > DIVERGENCE_LIMIT) | (np.abs(b) > DIVERGENCE_LIMIT)
    bad = np.maximum.accumulate(bad, axis=1)
    for a in arrays:
        a[bad] = np.nan
    first = np.where(bad.any(axis=1), bad.argmax(axis=1), -1)
    return bad, tuple(None if k < 0 else int(k) for k in first)


def _validate(data, loss, batch_size, epochs, gradient_over, optimizer):
    check_loss_name(loss)
    X, Y = _stack_data(data)
    n = X.shape[1]
    _check(
        "batch_size", isinstance(batch_size, (int, np.integer)) and batch_size >= 1, "a whole number >= 1", batch_size
    )
    _check("epochs", isinstance(epochs, (int, np.integer)) and epochs >= 0, "a whole number >= 0", epochs)
    _check("gradient_over", gradient_over in ("batch", "full"), '"batch" or "full"', gradient_over)
    per_epoch = -(-n // min(batch_size, n))
    _check(
        "epochs",
        epochs * per_epoch <= MAX_UPDATES,
        f"small enough for at most {MAX_UPDATES:,} updates",
        f"{epochs} ({epochs * per_epoch:,} updates)",
    )
    opt = make_optimizer(optimizer) if isinstance(optimizer, str) else optimizer
    full = gradient_over == "full" or (opt.needs_loss and batch_size >= n)
    _check("batch_size", not opt.needs_loss or full, "the whole data set for Polyak's step", batch_size)
    return X, Y, opt, full


def _gathers(X, Y, batches, full: bool, shuffle: bool):
    """(x_batch, y_batch) for each update; unshuffled batches repeat, so each is gathered once."""
    if full:
        return [(X, Y)] * len(batches)
    if shuffle:
        return [(X[:, i], Y[:, i]) for i in batches]
    per_epoch = {}
    out = []
    for i in batches:
        key = (int(i[0]), i.size)
        if key not in per_epoch:
            per_epoch[key] = (X[:, i], Y[:, i])
        out.append(per_epoch[key])
    return out


def _weighted_sum(gr: np.ndarray, xb: np.ndarray) -> np.ndarray:
    """sum_b gr[c, b] * xb[c, b] per configuration; a matrix-vector product when x is shared."""
    return gr @ xb[0] if xb.shape[0] == 1 else np.einsum("cb,cb->c", gr, xb)


def _loop_sgd_slope(gathers, lr_tab, w0, grad_fn, gparams):
    """The hot case, plain SGD on y_hat = w x: the same updates as `_loop`, with fewer array calls."""
    K, C = len(gathers), w0.size
    W, Gw = np.full((K + 1, C), np.nan), np.full((K + 1, C), np.nan)
    W[0] = w = w0.copy()
    lr_rows = np.ascontiguousarray(np.asarray(lr_tab, dtype=float).T)  # (K, C)
    for k, (xb, yb) in enumerate(gathers, start=1):
        g = _weighted_sum(grad_fn(w[:, None] * xb - yb, **gparams), xb)
        w = w - lr_rows[k - 1] * g
        W[k], Gw[k] = w, g
        if k % 64 == 0 and not np.any(np.abs(w) <= DIVERGENCE_LIMIT):
            break  # every run has blown up (nan fails the test too): the rest stays nan
    zeros = np.zeros((C, K + 1))
    return W.T, zeros, Gw.T, zeros.copy()


def _slope_sgd_floats(w: float, lrs: list[float], order: list, psi) -> tuple[list[float], list[float]]:
    """Plain SGD on y_hat = w x in Python floats: w and the gradient after each update (index 0: start)."""
    ws, gws = [w], [np.nan]
    for lr, batch in zip(lrs, order, strict=True):
        gw = 0.0
        for xi, yi in batch:
            gw += psi(w * xi - yi) * xi
        w = w - lr * gw
        ws.append(w)
        gws.append(gw)
        if not abs(w) <= DIVERGENCE_LIMIT:
            break  # blown up: the rest stays nan
    return ws, gws


def _loop_scalar(X, Y, batches, repeats, full, lr_tab, params, fit_bias, psi, rule_for, value, f_star):
    """A few runs on small batches in Python floats: the same updates as `_loop`, any optimiser.

    Each numpy call costs about a microsecond whatever its size, so for a run or two on batches of
    a few samples a loop over floats is about ten times faster than one over arrays. `rule_for()`
    gives each run a fresh `optimizers.scalar_rule` (None: plain SGD); `value` (the loss of one
    residual) is given only when the rule needs the loss (Polyak's step). `repeats`: how many times
    the first len(batches) / repeats batches repeat in order (the epochs, when not shuffled).
    """
    C, K = lr_tab.shape[0], len(batches)
    W, Bv = np.full((C, K + 1), np.nan), np.full((C, K + 1), np.nan)
    Gw, Gb = np.full((C, K + 1), np.nan), np.full((C, K + 1), np.nan)
    for c in range(C):
        x, y = X[c % X.shape[0]].tolist(), Y[c % Y.shape[0]].tolist()
        if full:
            order = [list(zip(x, y, strict=True))] * K
        else:  # each batch's (x_i, y_i) list; unshuffled epochs repeat the first epoch's
            first = batches[: K // repeats]
            order = [[(x[j], y[j]) for j in i.tolist()] for i in first] * repeats
        w, b = float(params[c, 0]), float(params[c, 1]) if fit_bias else 0.0
        if rule_for is None and not fit_bias:  # plain SGD on the slope: the tight loop
            ws, gws = _slope_sgd_floats(w, lr_tab[c].tolist(), order, psi)
            n = len(ws)
            W[c, :n], Gw[c, :n], Bv[c, :], Gb[c, 1:] = ws, gws, 0.0, 0.0
            continue
        rule, fs = rule_for() if rule_for else None, float(f_star[c])
        ws, bs, gws, gbs = [w], [b], [np.nan], [np.nan]
        for lr, batch in zip(lr_tab[c].tolist(), order, strict=True):
            gw = gb = f = 0.0
            for xi, yi in batch:
                r = w * xi - yi
                if fit_bias:
                    r += b
                g = psi(r)
                gw += g * xi
                gb += g
                if value is not None:
                    f += value(r)
            if rule is None:  # plain SGD, inline
                w, b = w - lr * gw, b - lr * gb if fit_bias else b
            elif fit_bias:
                dw, db = rule([gw, gb], lr, f - fs)
                w, b = w - dw, b - db
            else:
                (dw,) = rule([gw], lr, f - fs)
                w = w - dw
            ws.append(w), bs.append(b), gws.append(gw), gbs.append(gb)
            if not (abs(w) <= DIVERGENCE_LIMIT and abs(b) <= DIVERGENCE_LIMIT):
                break  # blown up: the rest stays nan
        n = len(ws)
        W[c, :n], Bv[c, :n], Gw[c, :n], Gb[c, :n] = ws, bs, gws, gbs
        if not fit_bias:  # as the array loops report it: no bias, no bias gradient
            Bv[c, :] = 0.0
            Gb[c, 1:] = 0.0
    return W, Bv, Gw, Gb


def _loop(gathers, lr_tab, params, opt, fit_bias, grad_fn, value_fn, gparams, vparams, f_star):
    """The update loop. Returns W, Bv, Gw, Gb of shape (C, K+1); rows stay nan after a blow-up.

    Rows are written time-major ((K+1, C), contiguous) and transposed once at the end.
    """
    C, P = params.shape
    K = len(gathers)
    W, Bv = np.full((K + 1, C), np.nan), np.zeros((K + 1, C))
    Gw, Gb = np.full((K + 1, C), np.nan), np.zeros((K + 1, C))
    Gb[0] = np.nan
    W[0], Bv[0] = params[:, 0], params[:, 1] if fit_bias else 0.0
    lr_rows = np.ascontiguousarray(np.asarray(lr_tab, dtype=float).T)  # (K, C)
    state = opt.init((C, P))
    theta = params.copy()
    k = 0
    for k, (xb, yb) in enumerate(gathers, start=1):
        r = theta[:, 0:1] * xb - yb
        if fit_bias:
            r += theta[:, 1:2]
        gr = grad_fn(r, **gparams)
        g = np.empty((C, P))
        g[:, 0] = _weighted_sum(gr, xb)
        if fit_bias:
            g[:, 1] = gr.sum(axis=1)
        excess = value_fn(r, **vparams).sum(axis=1) - f_star if opt.needs_loss else None
        delta, state = opt.step(g, state, lr_rows[k - 1], excess)
        theta = theta - delta
        W[k], Gw[k] = theta[:, 0], g[:, 0]
        if fit_bias:
            Bv[k], Gb[k] = theta[:, 1], g[:, 1]
        if k % 64 == 0 and not np.any(np.abs(W[k]) <= DIVERGENCE_LIMIT):
            break  # every run has blown up (nan fails the test too): the rest stays nan
    if k < K:
        Bv[k + 1 :] = np.nan
    return W.T, Bv.T, Gw.T, Gb.T  # views: (C, K+1)


def descend_many(
    data: Dataset | Sequence[Dataset],
    loss: str = "l1",
    lr: float | Schedule | Sequence = 0.01,
    w0: float | Sequence[float] = 20.0,
    batch_size: int = 2,
    epochs: int = 20,
    *,
    b0: float | Sequence[float] = 0.0,
    fit_bias: bool = False,
    gradient_over: str = "batch",
    shuffle: bool = False,
    shuffle_seed: int = 0,
    optimizer: str | Optimizer = "sgd",
    f_star: float | Sequence[float] = 0.0,
    track_loss: bool = True,
    **loss_params,
) -> Trajectory:
    """Many runs in one vectorised pass; arrays in the result have shape (C, K+1).

    Any of `data` (a list of Datasets of one size: seeds or noise levels), `lr` (an array of
    rates or a list of schedules), `w0`, `b0` may vary; those that vary share a length C.
    `gradient_over="full"` uses the whole data set's gradient at every update, as the seed
    article's printed signed-L1 code does. `optimizer`: "sgd", "momentum", "adam", "polyak"
    (Polyak needs `f_star`, the optimal loss, and full-batch gradients).
    `track_loss=False` skips the full-data loss at every state (only the last is computed):
    the fast path for sweeps. `loss_params`: huber's `delta`, l1's `at_kink`.
    """
    X, Y, opt, full = _validate(data, loss, batch_size, epochs, gradient_over, optimizer)
    n = X.shape[1]
    batches = _batches(n, min(batch_size, n), epochs, shuffle, shuffle_seed)
    K = len(batches)
    w0s, b0s, fs = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (w0, b0, f_star))
    lr_tab = _lr_table(lr, K) if K else np.zeros((1, 0))
    C = _broadcast({"data": X.shape[0], "lr": lr_tab.shape[0], "w0": w0s.size, "b0": b0s.size, "f_star": fs.size})
    _check("w0 and b0", bool(np.all(np.isfinite(w0s)) and np.all(np.isfinite(b0s))), "finite", (w0, b0))
    _check("updates x configurations", K * C <= MAX_RUN_UPDATES, f"at most {MAX_RUN_UPDATES:,}", K * C)
    per_grad = n if full else min(batch_size, n)
    _check(
        "updates x configurations x batch",
        K * C * per_grad <= MAX_SAMPLE_UPDATES,
        f"at most {MAX_SAMPLE_UPDATES:,}",
        K * C * per_grad,
    )

    grad_fn, value_fn = _GRAD[loss], _VALUE[loss]
    gparams = {k: v for k, v in loss_params.items() if k in ("at_kink", "delta")}
    vparams = {k: v for k, v in loss_params.items() if k == "delta"}
    unknown = set(loss_params) - {"at_kink", "delta"}
    _check("loss parameters", not unknown, "at_kink (l1) or delta (huber)", sorted(unknown))
    grad_fn(np.zeros(1), **gparams)  # validates the loss parameters once, before the loop
    value_fn(np.zeros(1), **vparams)

    params = np.stack([np.broadcast_to(w0s, (C,)), np.broadcast_to(b0s, (C,))], axis=1)[:, : 2 if fit_bias else 1]
    lr_tab = np.broadcast_to(lr_tab, (C, K))
    fs_c = np.broadcast_to(fs, (C,))
    with np.errstate(all="ignore"):
        if C * per_grad <= _SCALAR_WORK:
            psi = scalar_grad(loss, **gparams)
            value = scalar_value(loss, **vparams) if opt.needs_loss else None
            rule_for = None if opt.name == "sgd" else lambda: scalar_rule(opt)
            repeats = 1 if shuffle or not epochs else epochs
            W, Bv, Gw, Gb = _loop_scalar(
                X, Y, batches, repeats, full, lr_tab, params, fit_bias, psi, rule_for, value, fs_c
            )
        elif opt.name == "sgd" and not fit_bias:
            gathers = _gathers(X, Y, batches, full, shuffle)
            W, Bv, Gw, Gb = _loop_sgd_slope(gathers, lr_tab, params[:, 0], grad_fn, gparams)
            Gb[:, 0] = np.nan
        else:
            W, Bv, Gw, Gb = _loop(
                _gathers(X, Y, batches, full, shuffle),
                lr_tab,
                params,
                opt,
                fit_bias,
                grad_fn,
                value_fn,
                gparams,
                vparams,
                fs_c,
            )
        LR = np.concatenate([np.full((C, 1), np.nan), np.array(lr_tab, dtype=float)], axis=1)
        bad, diverged = _kill_after_divergence(W, Bv, Gw, Gb)
        if track_loss:
            L = _full_loss(value_fn, vparams, X, Y, np.nan_to_num(W), np.nan_to_num(Bv))
        else:
            L = np.full((C, K + 1), np.nan)
            L[:, -1:] = _full_loss(value_fn, vparams, X, Y, np.nan_to_num(W[:, -1:]), np.nan_to_num(Bv[:, -1:]))
        L[bad] = np.nan
        best = np.fmin.accumulate(L, axis=1) if track_loss else L
    return Trajectory(W, Bv, LR, Gw, Gb, L, best, diverged, K // epochs if epochs else 0)


def descend(
    data: Dataset,
    loss: str = "l1",
    lr: float | Schedule = 0.01,
    w0: float = 20.0,
    batch_size: int = 2,
    epochs: int = 20,
    **options,
) -> Trajectory:
    """One run of mini-batch gradient descent; arrays have shape (K+1,). Options as `descend_many`.

    >>> from core import article_dataset, descend
    >>> run = descend(article_dataset(), "l2")   # the article's setup: w0 = 20, lr = 0.01
    >>> abs(run.w[-1] - 1.0) < 1e-9              # L2 reaches the true w = 1
    True
    """
    _check("data", isinstance(data, Dataset), "one Dataset (use descend_many for several)", type(data).__name__)
    _check("lr", callable(lr) or np.isscalar(lr), "a float or a schedule (use descend_many for several)", lr)
    for name in ("w0", "b0", "f_star"):
        value = w0 if name == "w0" else options.get(name, 0.0)
        _check(name, np.ndim(value) == 0, "a single number (use descend_many for several)", value)
    many = descend_many(data, loss, lr, w0, batch_size, epochs, **options)
    return Trajectory(
        *(a[0] for a in (many.w, many.b, many.lr, many.grad, many.grad_b, many.loss, many.best_loss)),
        diverged_at=many.diverged_at[0],
        updates_per_epoch=many.updates_per_epoch,
    )
