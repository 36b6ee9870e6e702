"""Gradient descent trajectories: one run (`descend`), and many at once (`descend_many`).

The loop is the seed article's: each epoch walks the data in batches of `batch_size`
(in order, or shuffled by a seeded Generator), sums the per-sample gradient over the batch,
and makes one update per batch. The model is y_hat = w x (+ b when `fit_bias`).

Two representations, one update: `_float_run` loops over Python floats (a run or two on a few
samples, where numpy's cost per call exceeds the arithmetic) and `_array_loop` over rows of C runs
(many runs at once). Both take the gradient from the `Loss` object and the update from the
optimiser's one rule (`core.optimizers`); tests run every property through both.
The loss over the whole data set at each state comes from `core.loss_sums.data_loss`.

What the array loop costs is numpy's fixed cost per call (about half a microsecond), six or so calls
an update, whatever C is: so the work around it is done once per call, never per update. The epochs'
orders are drawn at once (`_orders`), the samples gathered a block of epochs at a time (`_gathers`), the
rates built time-major at once (`_lr_table`); every array an update touches has one shape, (1, C), and
is a row of a small block buffer whose views are made once (`_block_buffers`).

Indexing: arrays are indexed by update k = 0..K; index 0 is the start. `lr[k]` and `grad[k]`
belong to update k (the one that produced w[k] from w[k-1]), so their index 0 is nan.
The schedule is called with t = k - 1, so t = 0 for the first update.

Divergence: a state that is not finite or exceeds DIVERGENCE_LIMIT in size counts as
diverged. `diverged_at` is the first such update; from there on the run's values are nan.
No numpy warning escapes.

Over 400 lines: the float loop and the array loop, and the plan both read, change together; apart they would drift.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from core.data import Dataset
from core.loss_sums import _PIECES_FROM, data_loss, direct_sum
from core.losses import Loss, make_loss
from core.optimizers import Optimizer, make_optimizer
from core.schedules import Schedule, check_lrs, check_rates, rates

MAX_UPDATES = 20_000  # updates in one run
MAX_RUN_UPDATES = 4_000_000  # updates x configurations in one call
MAX_SAMPLE_UPDATES = 40_000_000  # updates x configurations x samples per gradient
DIVERGENCE_LIMIT = 1e12
_GATHER = 1 << 14  # samples x configurations in a block of epochs (128 kB an array: the block stays in cache)
# Python floats (`_float_loop`) while runs x (samples per gradient + 6) <= _SCALAR_WORK, else arrays: a float update
# costs about (0.45 + 0.16 x batch) us per run, an array update 2 to 6 us for all its runs at once (measured on this
# machine, 200 to 20,000 updates, shuffled or not). So floats win for up to 4 or 5 runs of one sample, one run of
# 30 (the outliers' full batch), and never for a run of 100; at 32 runs of one sample arrays are 10x faster.
_SCALAR_WORK = 36


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


def _orders(n: int, epochs: int, shuffle: bool, seed: int) -> np.ndarray:
    """The samples' order in each epoch, (epochs, n); unshuffled, one row that every epoch repeats.

    Shuffled, one seeded Generator permutes each epoch in turn: `permuted` row by row draws exactly
    what a `permutation(n)` per epoch would, in one call.
    """
    if not shuffle:
        return np.arange(n)[None, :]
    return np.random.default_rng(seed).permuted(np.tile(np.arange(n), (epochs, 1)), axis=1)


def _stack_data(data: Dataset | Sequence[Dataset]) -> tuple[np.ndarray, np.ndarray]:
    sets = [data] if isinstance(data, Dataset) else list(data)
    _check("data", len(sets) > 0 and all(isinstance(d, Dataset) for d in sets), "a Dataset or a list of them", data)
    _check("data", len({d.n for d in sets}) == 1, "datasets of one size", [d.n for d in sets])
    return np.stack([d.x for d in sets]), np.stack([d.y for d in sets])


def _lr_table(lr, n_updates: int) -> np.ndarray:
    """Learning rates, time-major (K+1, C) (row 0 nan; C = 1 for one rate or schedule), from a float, a
    schedule, an array of floats or a list of floats and schedules (each schedule evaluated once, and
    written into its runs of neighbouring columns at once).

    One rule (core.schedules): a constant rate is a finite number > 0 (`check_lr`); a schedule's rates
    are finite and >= 0 at every update (`check_rates`).
    """
    if callable(lr) or np.isscalar(lr):
        return _with_start(check_rates(rates(lr, n_updates)[:, None]))
    if isinstance(lr, np.ndarray) or all(np.isscalar(v) for v in lr):
        arr = np.asarray(lr).reshape(-1)
        _check("lr", arr.size > 0, "a non-empty array of rates", lr)
        return _with_start(check_lrs(arr)[None, :], n_updates)  # the same rate every update
    floats = [np.isscalar(v) for v in lr]
    out = _with_start(check_lrs([v if f else 1.0 for v, f in zip(lr, floats, strict=True)])[None, :], n_updates)
    done: dict[int, np.ndarray] = {}
    c = 0
    for key, run in itertools.groupby(lr, key=lambda v: None if np.isscalar(v) else id(v)):
        width = len(list(run))
        if key is not None:
            if key not in done:
                done[key] = check_rates(rates(lr[c], n_updates))[:, None]
            out[1:, c : c + width] = done[key]
        c += width
    return out


def _with_start(table: np.ndarray, n_updates: int | None = None) -> np.ndarray:
    """`table` (K, C), or (1, C) repeated over n_updates rows, below a row of nan (update 0 has no rate)."""
    out = np.empty((table.shape[0] + 1 if n_updates is None else n_updates + 1, table.shape[1]))
    out[0], out[1:] = np.nan, table
    return out


def _broadcast(sizes: dict[str, int]) -> int:
    varying = {k: v for k, v in sizes.items() if v != 1}
    if len(set(varying.values())) > 1:
        raise ValueError(f"arguments given as arrays must have one length, got {varying}")
    return next(iter(varying.values()), 1)


def _first_diverged(w, b) -> np.ndarray | None:
    """Each run's first state that is not finite or exceeds DIVERGENCE_LIMIT in size (in w, or in b when
    given), -1 for a run without one; None when no run has one. `w`, `b`: time-major, (K+1, C).
    Only the runs whose extremes leave the limit are searched state by state."""
    states = (w,) if b is None else (w, b)
    if all(-DIVERGENCE_LIMIT <= s.min() and s.max() <= DIVERGENCE_LIMIT for s in states):  # nan fails too
        return None
    doubt = np.zeros(w.shape[1], dtype=bool)
    for s in states:
        doubt |= ~((s.min(axis=0) >= -DIVERGENCE_LIMIT) & (s.max(axis=0) <= DIVERGENCE_LIMIT))
    first, runs = np.full(w.shape[1], -1), np.flatnonzero(doubt)
    ok = np.abs(w[:, runs]) <= DIVERGENCE_LIMIT  # those runs' states gathered row by row
    if b is not None:
        ok &= np.abs(b[:, runs]) <= DIVERGENCE_LIMIT
    first[runs] = np.argmin(ok, axis=0)
    return first


def _nan_from(first: np.ndarray | None, arrays) -> None:
    """nan in each of `arrays` (time-major, (K+1, C); None: skipped) from each run's first diverged state on."""
    if first is None:
        return
    diverged = first >= 0
    lo, rows = int(first[diverged].min()), len(arrays[0])
    after = np.arange(lo, rows)[:, None] >= np.where(diverged, first, rows)[None, :]  # one pass over the rows
    for a in arrays:
        if a is not None:
            np.copyto(a[lo:], np.nan, where=after)


def _no_bias(first: np.ndarray | None, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """b and its gradient without a bias, time-major: 0 (the gradient nan at the start), nan from a diverged
    state on. Zeros cost nothing until written: with no run diverged, time-major (the start is one row);
    else run-major, where a diverged run's tail is one stretch, so only the diverged runs' pages are touched."""
    if first is None:
        Bv, Gb = np.zeros(shape), np.zeros(shape)
        Gb[0] = np.nan
        return Bv, Gb
    Bv, Gb = np.zeros(shape[::-1]), np.zeros(shape[::-1])
    Gb[:, 0] = np.nan
    for c in np.flatnonzero(first >= 0).tolist():
        Bv[c, first[c] :] = Gb[c, first[c] :] = np.nan
    return Bv.T, Gb.T


def updates_per_run(n_samples: int, batch_size: int, epochs: int) -> int:
    """Updates in a run: epochs × ⌈n_samples / batch size⌉ (a batch larger than the data is the whole data)."""
    return epochs * -(-n_samples // min(batch_size, n_samples))


def _validate(data, loss, loss_params, batch_size, epochs, gradient_over, optimizer):
    X, Y = _stack_data(data)
    n = X.shape[1]
    _check(
        "batch_size", isinstance(batch_size, (int, np.integer)) and batch_size >= 1, "a whole number >= 1", batch_size
    )
    _check("epochs", isinstance(epochs, (int, np.integer)) and epochs >= 0, "a whole number >= 0", epochs)
    _check("gradient_over", gradient_over in ("batch", "full"), '"batch" or "full"', gradient_over)
    _check(
        "epochs",
        updates_per_run(n, batch_size, epochs) <= MAX_UPDATES,
        f"small enough for at most {MAX_UPDATES:,} updates",
        f"{epochs} ({updates_per_run(n, batch_size, epochs):,} updates)",
    )
    opt = make_optimizer(optimizer) if isinstance(optimizer, str) else optimizer
    full = gradient_over == "full" or (opt.needs_loss and batch_size >= n)
    _check("batch_size", not opt.needs_loss or full, "the whole data set for Polyak's step", batch_size)
    return X, Y, make_loss(loss, **loss_params), opt, full


def _gathers(X, Y, order: np.ndarray, batch: int, epochs: int, full: bool) -> Iterator[tuple[list, list]]:
    """Blocks of updates, each (x_batches, y_batches): lists of every update's views in the block.

    y_batch is (B, C); x_batch is (B, 1) when every configuration has the same x (X has one row), else
    (B, C). Samples go down, configurations across: numpy broadcasts a (B, 1) column against a (1, C)
    row with its inner loop over C, four times faster than (C, 1) against (1, B); arrays of one shape,
    as with one sample, (1, C), are faster still. Making a view costs about as much as a small ufunc,
    so the views are made once: shuffled, each block of epochs is gathered into the same two buffers
    (the loop has finished with a block when it asks for the next); unshuffled, one epoch is gathered
    and its views repeated.
    """
    n = X.shape[1]
    X, Y = np.ascontiguousarray(X.T), np.ascontiguousarray(Y.T)  # (n, C): a sample's row is contiguous
    per_epoch = -(-n // batch)
    per_block = max(1, min(max(1, epochs), _GATHER // (n * Y.shape[1])))  # epochs in a block
    if full or order.shape[0] == 1:  # the same views again and again
        xs, ys = ([X] * per_epoch, [Y] * per_epoch) if full else _views(X[order], Y[order], batch)
        xs, ys = xs * per_block, ys * per_block
        for e in range(0, epochs, per_block):
            m = min(per_block, epochs - e) * per_epoch
            yield xs[:m], ys[:m]
        return
    into = [np.empty((per_block, n, A.shape[1])) for A in (X, Y)]
    xs, ys = _views(*into, batch)
    for e in range(0, order.shape[0], per_block):
        for A, buf in zip((X, Y), into, strict=True):
            np.take(A, order[e : e + per_block], axis=0, out=buf[: len(order[e : e + per_block])], mode="wrap")
        m = min(per_block, order.shape[0] - e) * per_epoch
        yield xs[:m], ys[:m]


def _views(xo: np.ndarray, yo: np.ndarray, batch: int) -> tuple[list, list]:
    """Every update's (x_batch, y_batch) views of epochs gathered sample-major, (E, n, C)."""
    E, n = xo.shape[:2]
    if n % batch == 0:  # equal batches: one reshape, and iterating over it makes the views
        return list(xo.reshape(-1, batch, xo.shape[2])), list(yo.reshape(-1, batch, yo.shape[2]))
    starts = range(0, n, batch)
    return [xo[e, i : i + batch] for e in range(E) for i in starts], [
        yo[e, i : i + batch] for e in range(E) for i in starts
    ]


def _data_for_arrays(X: np.ndarray, Y: np.ndarray, C: int, per_grad: int) -> tuple[np.ndarray, np.ndarray]:
    """X and Y as the array loop gathers them: with one sample per gradient, one row per configuration
    (every array of an update then has one shape); else X's first row alone when every configuration
    has the same x (noise draws, rate sweeps), so the gradient is one vector-matrix product."""
    if per_grad == 1:
        return np.broadcast_to(X, (C, X.shape[1])), np.broadcast_to(Y, (C, Y.shape[1]))
    return (X[:1] if X.shape[0] > 1 and bool(np.all(X == X[0])) else X), Y


def _batch_gradient(per_grad: int, shared: bool) -> Callable:
    """f(x_batch, psi(r), out): the sum over the batch of x_b psi(r_b), per configuration, into a (1, C) row.

    One sample: the product itself. One x for every configuration: a vector-matrix product, (1, B) @ (B, C).
    Else a sum of products per configuration.
    """
    if per_grad == 1:
        return np.multiply
    if shared:
        return lambda xb, gr, out: np.matmul(xb.T, gr, out=out)
    return lambda xb, gr, out: np.einsum("bc,bc->c", xb, gr, out=out[0])


def _float_batches(x: np.ndarray, y: np.ndarray, order: np.ndarray, batch: int, epochs: int, full: bool) -> list:
    """Each update's (x_i, y_i) pairs (Python floats), as a tuple; unshuffled epochs repeat the first epoch's."""
    if full:
        return [tuple(zip(x.tolist(), y.tolist(), strict=True))] * updates_per_run(x.size, batch, epochs)
    n = order.shape[1]
    pairs = zip(x[order].ravel().tolist(), y[order].ravel().tolist(), strict=True)
    if n % batch == 0:  # equal batches: grouped at C speed
        out = list(zip(*[pairs] * batch, strict=True))
    else:
        flat = list(pairs)
        out = [tuple(flat[e + i : e + min(i + batch, n)]) for e in range(0, len(flat), n) for i in range(0, n, batch)]
    return out * (epochs if order.shape[0] == 1 else 1)


def _float_run(w, b, lrs, batches, opt, loss, fit_bias, f_star) -> tuple[list, list, list, list]:
    """One run in Python floats: w, b and the gradients after each update (index 0: the start; nan gradients).

    Each numpy call costs about a microsecond whatever its size, so for a run or two on batches of
    a few samples a loop over floats is several times faster than one over arrays. The update is the
    optimiser's one rule, `opt.step`, for w and (with a bias) for b, each with its own state.
    """
    psi, value, step, sw, sb = loss.grad1, loss.value1 if opt.needs_loss else None, opt.step, opt.init(), opt.init()
    slope_only, rows = not fit_bias and value is None, len(lrs) + 1 if fit_bias else 1
    ws, gws, bs, gbs = [np.nan] * (len(lrs) + 1), [np.nan] * (len(lrs) + 1), [np.nan] * rows, [np.nan] * rows
    ws[0], bs[0] = w, b  # (an index store is cheaper than list.append, and leaves nan after a blow-up)
    for k, (lr, batch) in enumerate(zip(lrs, batches, strict=True), start=1):
        gw = gb = f = 0.0
        if slope_only:  # the pages' hot case: the batch gradient alone, in its shortest form
            for xi, yi in batch:
                gw += psi(w * xi - yi) * xi
        else:
            for xi, yi in batch:
                r = w * xi - yi + b
                g = psi(r)
                gw += g * xi
                gb += g
                if value is not None:
                    f += value(r)
        g2 = (gw * gw + gb * gb if fit_bias else gw * gw) if value is not None else None  # |g|², for Polyak
        dw, sw = step(gw, sw, lr, f - f_star, g2)
        if fit_bias:
            db, sb = step(gb, sb, lr, f - f_star, g2)
            w, b = w - dw, b - db
            bs[k], gbs[k] = b, gb
        else:
            w = w - dw
        ws[k], gws[k] = w, gw
        if not (-DIVERGENCE_LIMIT <= w <= DIVERGENCE_LIMIT and -DIVERGENCE_LIMIT <= b <= DIVERGENCE_LIMIT):
            break  # blown up (nan fails the test too): the rest stays nan
    return ws, bs, gws, gbs


def _float_loop(X, Y, order, batch, epochs, full, lr_tab, params, opt, loss, fit_bias, f_star):
    """Every run through `_float_run`; W, Bv, Gw, Gb time-major, (K+1, C) (Bv, Gb None without a bias)."""
    C, K = lr_tab.shape
    out = np.full((4 if fit_bias else 2, C, K + 1), np.nan)
    for c in range(C):
        x, y, w0, lrs = X[c % X.shape[0]], Y[c % Y.shape[0]], float(params[c, 0]), lr_tab[c].tolist()
        b0 = float(params[c, 1]) if fit_bias else 0.0
        pairs = _float_batches(x, y, order, batch, epochs=epochs, full=full)
        ws, bs, gws, gbs = _float_run(
            w0, b0, lrs, pairs, opt=opt, loss=loss, fit_bias=fit_bias, f_star=float(f_star[c])
        )
        for field, row in zip(out, (ws, gws, bs, gbs) if fit_bias else (ws, gws), strict=True):
            field[c, : len(row)] = row
    W, Gw, Bv, Gb = (a.T for a in out) if fit_bias else (out[0].T, out[1].T, None, None)
    return W, Bv, Gw, Gb


def _array_loop(blocks, K: int, LR, params, opt, loss, f_star, batch_grad: Callable):
    """All C runs at once: the same updates as `_float_run`, with (1, C) arrays in place of floats.

    `blocks` (`_gathers`) gives the batches a block of updates at a time; `LR` (K+1, C): update k's rates
    in row k; `batch_grad` sums the batch's gradient (`_batch_gradient`). Returns W, Bv, Gw, Gb time-major,
    (K+1, C) (Bv, Gb None without a bias); rows stay nan after every run has blown up. An update works on
    a block's (1, C) rows (`_block_buffers`), copied out when the block ends. The update is the optimiser's
    one rule, `opt.step`, for w and (with a bias) for b.
    """
    C, P = params.shape
    T, G = np.empty((P, K + 1, C)), np.empty((P, K + 1, C))
    T[:, 0], G[:, 0], k = params.T, np.nan, 0
    grad, value, needs_loss, step, bias = loss.grad, loss.value, opt.needs_loss, opt.step, P == 2
    sw, sb, excess, g2, residuals, slots = opt.init(), opt.init(), None, None, {}, None
    mul, sub = np.multiply, np.subtract  # (a ufunc takes `out` fastest as a positional argument)
    for xs, ys in blocks:
        if slots is None:  # the first block is the longest
            Tb, Gb, Lb, slots = _block_buffers(params, len(xs))
        m = len(xs)
        Lb[:m, 0] = LR[k + 1 : k + 1 + m]
        for xb, yb, (w, w_k, gw, lr, b, b_k, gb) in zip(xs, ys, slots, strict=False):
            r = residuals.get(len(yb))
            if r is None:  # (B, C); an epoch's last batch may be shorter
                r = residuals[len(yb)] = np.empty((len(yb), C))
            mul(xb, w, r)
            sub(r, yb, r)
            if bias:
                r += b
            gr = grad(r)
            batch_grad(xb, gr, gw)
            if bias:
                np.add.reduce(gr, axis=0, keepdims=True, out=gb)
            if needs_loss:  # Polyak's f - f* and |g|²
                excess, g2 = np.add.reduce(value(r), axis=0) - f_star, gw * gw + gb * gb if bias else gw * gw
            delta, sw = step(gw, sw, lr, excess, g2)
            sub(w, delta, w_k)
            if bias:
                delta, sb = step(gb, sb, lr, excess, g2)
                sub(b, delta, b_k)
        T[:, k + 1 : k + 1 + m], G[:, k + 1 : k + 1 + m] = Tb[:, 1 : m + 1, 0], Gb[:, :m, 0]
        Tb[:, 0], k = Tb[:, m], k + m
        if not np.any(np.abs(T[0, k]) <= DIVERGENCE_LIMIT):
            break  # every run has blown up (nan fails the test too): the rest is nan
    T[:, k + 1 :] = G[:, k + 1 :] = np.nan
    return (T[0], T[1], G[0], G[1]) if bias else (T[0], None, G[0], None)


def _block_buffers(params: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    """A block's buffers, states Tb (P, size+1, 1, C) (row 0: the state before the block), gradients Gb
    (P, size, 1, C) and rates Lb (size, 1, C), and each update's rows in them, (w, w_k, gw, lr, b, b_k, gb)
    (the b ones None without a bias). Making a view costs about what a small ufunc does, so each is made
    once for every block; and a block's buffers stay in cache while numpy works on them."""
    C, P = params.shape
    Tb, Gb, Lb = np.empty((P, size + 1, 1, C)), np.empty((P, size, 1, C)), np.empty((size, 1, C))
    Tb[:, 0, 0] = params.T
    b_rows = (Tb[1, :-1], Tb[1, 1:], Gb[1]) if P == 2 else ([None] * size,) * 3
    return Tb, Gb, Lb, list(zip(Tb[0, :-1], Tb[0, 1:], Gb[0], Lb, *b_rows, strict=True))


def _full_loss(loss: Loss, X, Y, W, B, fit_bias: bool) -> np.ndarray:
    """The loss over the whole data set at each state, time-major (S, C): by the loss's pieces for the slope."""
    if X.shape[0] == 1 and not fit_bias:
        return data_loss(loss, X[0], Y[0], W)
    if fit_bias or W.shape[0] < _PIECES_FROM:  # (a diverged state's loss is nan or inf here, then nan)
        return direct_sum(loss, X, Y, W.T, (B if fit_bias else np.zeros_like(W)).T).T
    return np.stack([data_loss(loss, X[c], Y[c], W[:, c]) for c in range(W.shape[1])], axis=1)


def _tracked_loss(loss: Loss, X, Y, W, Bv, fit_bias: bool, first: np.ndarray | None, track_loss: bool):
    """(loss, lowest loss so far) at every state, time-major; nan from each run's `first` diverged state on.
    Without `track_loss` only the last state's loss is computed, and both are the same array."""
    if track_loss:
        L = _full_loss(loss, X, Y, W, B=Bv, fit_bias=fit_bias)
        _nan_from(first, (L,))
        return L, _running_min(L)
    L = np.full(W.shape, np.nan)
    L[-1:] = _full_loss(loss, X, Y, W[-1:], B=Bv[-1:], fit_bias=fit_bias)
    if first is not None:
        L[-1, first >= 0] = np.nan
    return L, L


def _running_min(L: np.ndarray) -> np.ndarray:
    """The lowest loss so far along axis 0, nan skipped; with many runs a row at a time (2.5x faster)."""
    if L.shape[1] < 32:
        return np.fmin.accumulate(L, axis=0)
    best = np.empty_like(L)
    best[0] = L[0]
    for k in range(1, L.shape[0]):
        np.fmin(best[k - 1], L[k], out=best[k])
    return best


def _check_sizes(K: int, C: int, per_grad: int) -> None:
    _check("updates x configurations", K * C <= MAX_RUN_UPDATES, f"at most {MAX_RUN_UPDATES:,}", K * C)
    _check(
        "updates x configurations x batch",
        K * C * per_grad <= MAX_SAMPLE_UPDATES,
        f"at most {MAX_SAMPLE_UPDATES:,}",
        K * C * per_grad,
    )


@dataclass(frozen=True)
class _Plan:
    """One validated call of `descend_many`: C runs of K updates each, batches of `batch` from `order`."""

    X: np.ndarray  # (1 or C, n)
    Y: np.ndarray
    loss: Loss
    opt: Optimizer
    full: bool  # the whole data set's gradient at every update
    order: np.ndarray  # (epochs or 1, n): `_orders`
    batch: int
    epochs: int
    params: np.ndarray  # (C, P): w0 (and b0) of each run
    LR: np.ndarray  # (K+1, C), time-major: row k is update k's rates (row 0 nan)
    f_star: np.ndarray  # (1 or C,)

    @property
    def per_grad(self) -> int:
        """Samples in each update's gradient."""
        return self.X.shape[1] if self.full else self.batch


def _plan(data, loss, lr, w0, b0, f_star, batch_size, epochs, gradient_over, optimizer, shuffle, seed, fit_bias,
          loss_params) -> _Plan:  # fmt: skip
    X, Y, loss, opt, full = _validate(
        data, loss, loss_params, batch_size, epochs=epochs, gradient_over=gradient_over, optimizer=optimizer
    )
    n = X.shape[1]
    K = updates_per_run(n, batch_size, epochs)
    w0s, b0s, fs = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (w0, b0, f_star))
    LR = _lr_table(lr, K) if K else np.full((1, 1), np.nan)  # (K+1, 1 or C)
    C = _broadcast({"data": X.shape[0], "lr": LR.shape[1], "w0": w0s.size, "b0": b0s.size, "f_star": fs.size})
    _check("w0 and b0", bool(np.all(np.isfinite(w0s)) and np.all(np.isfinite(b0s))), "finite", (w0, b0))
    _check_sizes(K, C, n if full else min(batch_size, n))
    params = np.stack([np.broadcast_to(w0s, (C,)), np.broadcast_to(b0s, (C,))], axis=1)[:, : 2 if fit_bias else 1]
    LR = LR if LR.shape[1] == C else np.repeat(LR, C, axis=1)  # each run's own row (1, C) in the array loop
    order = _orders(n, epochs, shuffle, seed)
    return _Plan(
        X,
        Y,
        loss,
        opt,
        full=full,
        order=order,
        batch=min(batch_size, n),
        epochs=epochs,
        params=params,
        LR=LR,
        f_star=fs,
    )


def _loops(p: _Plan) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """W, Bv, Gw, Gb, time-major (K+1, C) (Bv, Gb None without a bias): through Python floats for a few runs
    on small batches, else arrays."""
    K, C = p.LR.shape[0] - 1, p.LR.shape[1]
    fit_bias = p.params.shape[1] == 2
    if C * (p.per_grad + 6) <= _SCALAR_WORK:
        f_star = np.broadcast_to(p.f_star, (C,))
        return _float_loop(
            p.X,
            p.Y,
            p.order,
            p.batch,
            epochs=p.epochs,
            full=p.full,
            lr_tab=p.LR.T[:, 1:],
            params=p.params,
            opt=p.opt,
            loss=p.loss,
            fit_bias=fit_bias,
            f_star=f_star,
        )
    X, Y = _data_for_arrays(p.X, p.Y, C, p.per_grad)
    gathers = _gathers(X, Y, p.order, p.batch, epochs=p.epochs, full=p.full)
    batch_grad = _batch_gradient(p.per_grad, X.shape[0] == 1)
    return _array_loop(gathers, K, p.LR, p.params, opt=p.opt, loss=p.loss, f_star=p.f_star, batch_grad=batch_grad)


def descend_many(
    data: Dataset | Sequence[Dataset],
    loss: str | Loss = "l1",
    lr: float | Schedule | Sequence = 0.01,
    w0: float | Sequence[float] = 20.0,
    batch_size: int = 2,
    *,
    epochs: int = 20,
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
    `loss`: a name or a `core.Loss` (`make_loss("huber", delta=0.5)`); `loss_params` (huber's `delta`,
    l1's `at_kink`) go with a name. `gradient_over="full"` uses the whole data set's gradient at every
    update, as the seed article's printed signed-L1 code does. `optimizer`: "sgd", "momentum", "adam",
    "polyak" (Polyak needs `f_star`, the optimal loss, and full-batch gradients).
    `track_loss=False` skips the full-data loss at every state (only the last is computed).
    """
    p = _plan(
        data, loss, lr, w0, b0=b0, f_star=f_star, batch_size=batch_size, epochs=epochs, gradient_over=gradient_over,
        optimizer=optimizer, shuffle=shuffle, seed=shuffle_seed, fit_bias=fit_bias, loss_params=loss_params,
    )  # fmt: skip
    with np.errstate(all="ignore"):
        W, Bv, Gw, Gb = _loops(p)
        first = _first_diverged(W, Bv)
        _nan_from(first, (W, Bv, Gw, Gb))
        Bv, Gb = (Bv, Gb) if fit_bias else _no_bias(first, W.shape)
        L, best = _tracked_loss(p.loss, p.X, p.Y, W, Bv=Bv, fit_bias=fit_bias, first=first, track_loss=track_loss)
    arrays = (a.T for a in (W, Bv, p.LR, Gw, Gb, L, best))  # (C, K+1) views
    K, C = p.LR.shape[0] - 1, W.shape[1]
    diverged = (None,) * C if first is None else tuple(None if k < 0 else k for k in first.tolist())
    return Trajectory(*arrays, diverged_at=diverged, updates_per_epoch=K // epochs if epochs else 0)


def descend(
    data: Dataset,
    loss: str = "l1",
    lr: float | Schedule = 0.01,
    w0: float = 20.0,
    batch_size: int = 2,
    *,
    epochs: int = 20,
    **options,
) -> Trajectory:
    """One run of mini-batch gradient descent; arrays have shape (K+1,). Options as `descend_many`.

    >>> from core import article_dataset, descend
    >>> run = descend(article_dataset(), "l2")   # the article's setup: w0 = 20, lr = 0.01
    >>> bool(abs(run.w[-1] - 1.0) < 1e-9)        # L2 reaches the true w = 1
    True
    """
    _check("data", isinstance(data, Dataset), "one Dataset (use descend_many for several)", type(data).__name__)
    _check("lr", callable(lr) or np.isscalar(lr), "a float or a schedule (use descend_many for several)", lr)
    for name in ("w0", "b0", "f_star"):
        value = w0 if name == "w0" else options.get(name, 0.0)
        _check(name, np.ndim(value) == 0, "a single number (use descend_many for several)", value)
    many = descend_many(data, loss, lr, w0, batch_size, epochs=epochs, **options)
    return Trajectory(
        *(a[0] for a in (many.w, many.b, many.lr, many.grad, many.grad_b, many.loss, many.best_loss)),
        diverged_at=many.diverged_at[0],
        updates_per_epoch=many.updates_per_epoch,
    )
