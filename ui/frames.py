"""Numbers from core -> long-form pandas tables for charts and CSV export.

Long trajectories are thinned before they reach a chart: each bucket of updates keeps its
first, lowest and highest value, so an oscillation band or a spike is never drawn away.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from core import Trajectory
from ui.words import count, listing, plain

# per series on a chart: more than a chart a few hundred pixels wide can show. Not fewer: an oscillation (the noise
# page's zoom) thinned to 200 points drew as a clean zigzag with a period of its own, an artefact of the buckets
MAX_POINTS = 300


def thin_series(values: np.ndarray, max_points: int = MAX_POINTS) -> np.ndarray:
    """Indices of `values` to draw: all of them if few, else per-bucket first/argmin/argmax + last."""
    n = values.size
    if n <= max_points:
        return np.arange(n)
    buckets = max(1, max_points // 3)
    size = -(-n // buckets)  # updates per bucket; the last bucket is padded
    rows = -(-n // size)
    finite = np.isfinite(values)
    pad = (0, rows * size - n)
    low = np.pad(np.where(finite, values, np.inf), pad, constant_values=np.inf).reshape(rows, size)
    high = np.pad(np.where(finite, values, -np.inf), pad, constant_values=-np.inf).reshape(rows, size)
    starts = np.arange(rows) * size
    keep = np.concatenate([[0, n - 1], starts, starts + low.argmin(axis=1), starts + high.argmax(axis=1)])
    return np.unique(keep[keep < n])


def stack(parts: Iterable[tuple[Mapping[str, str], Mapping[str, np.ndarray]]]) -> pd.DataFrame:
    """One long table from parts of (labels, columns): each part's columns are arrays of one length, its
    labels (e.g. {"series": "L2 r²"}) name the part. Labels become categorical columns, built from codes.

    Cheaper than a DataFrame per part and a concat (a text label repeated down a column costs pandas
    more than the numbers beside it), and the same table.
    """
    parts = list(parts)
    if not parts:
        return pd.DataFrame()
    sizes = [len(next(iter(columns.values()))) for _, columns in parts]
    out: dict = {name: np.concatenate([columns[name] for _, columns in parts]) for name in parts[0][1]}
    for name in parts[0][0]:
        values = [labels[name] for labels, _ in parts]
        categories = list(dict.fromkeys(values))
        codes = np.repeat(np.array([categories.index(v) for v in values], dtype=np.int32), sizes)
        out[name] = pd.Categorical.from_codes(codes, categories)
    return pd.DataFrame(out)


def _long_table(rows, value_name: str, thin: bool, start: int = 0) -> pd.DataFrame:
    """rows of (label, values, {column: array}) -> long table (update, series, value, columns...).

    Each series is thinned on its own values; the extra columns are taken at the same updates.
    Only updates from `start` on are kept (and thinned), so a zoom keeps its own detail.
    """
    parts = []
    for label, values, extra in rows:
        values = np.asarray(values, dtype=float)[start:]
        idx = thin_series(values) if thin else np.arange(values.size)
        columns = {"update": idx + start, value_name: values[idx]}
        columns.update({name: np.asarray(column, dtype=float)[start:][idx] for name, column in extra.items()})
        parts.append(({"series": label}, columns))
    return stack(parts) if parts else pd.DataFrame(columns=["update", "series", value_name])


def series_frame(series: Mapping[str, np.ndarray], value_name: str = "value", thin: bool = True) -> pd.DataFrame:
    """{label: values over updates} -> long table (update, series, value), thinned per series."""
    return _long_table(((label, values, {}) for label, values in series.items()), value_name, thin)


def runs_frame(
    runs: Mapping[str, Trajectory], field: str, thin: bool = True, *extra: str, start: int = 0
) -> pd.DataFrame:
    """One field (w, loss, lr, ...) of several runs as a long table (update, series, field).

    `extra` fields become more columns, taken at the same (thinned) updates as `field`; `start`
    keeps the updates from there on (a zoom on the end of a run, thinned on its own).
    """
    rows = ((label, getattr(run, field), {name: getattr(run, name) for name in extra}) for label, run in runs.items())
    return _long_table(rows, field, thin, start)


def finite_range(values: np.ndarray) -> tuple[float, float] | None:
    """(lowest, highest) of the finite values, None when there is none (a run that blew up)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return (float(v.min()), float(v.max())) if v.size else None


def tame_range(
    runs: Mapping[str, Trajectory], field: str, references: Iterable[float] = ()
) -> tuple[float, float] | None:
    """The range of the runs that do not diverge and of the references, widened by a fifth: where a diverging
    run's line is drawn (one run racing to 1e12 would flatten every other line to the axis). None when no run
    diverges, or every run does."""
    tame = [getattr(r, field) for r in runs.values() if r.diverged_at is None]
    if len(tame) in (0, len(runs)):
        return None
    values = np.concatenate([*tame, np.asarray(list(references), float)])
    values = values[np.isfinite(values)]
    lo, hi = float(values.min()), float(values.max())
    pad = 0.2 * ((hi - lo) or max(abs(hi), 1.0))
    return lo - pad, hi + pad


def focus_on_tame_runs(
    df: pd.DataFrame, runs: Mapping[str, Trajectory], field: str, references: Iterable[float] = ()
) -> tuple[pd.DataFrame, list[str]]:
    """The long table with each diverging run's values blanked outside `tame_range`. Returns the table and the
    labels of the runs cut short (the page says where they went)."""
    return blank_outside(df, runs, field, tame_range(runs, field, references))


def blank_outside(
    df: pd.DataFrame, runs: Mapping[str, Trajectory], field: str, bounds: tuple[float, float] | None
) -> tuple[pd.DataFrame, list[str]]:
    """`focus_on_tame_runs` with the bounds already worked out (None: nothing to blank)."""
    if bounds is None:
        return df, []
    wild = [label for label, r in runs.items() if r.diverged_at is not None]
    outside = df["series"].isin(wild) & ~df[field].between(*bounds)
    cut = sorted(set(df.loc[outside, "series"]), key=wild.index)
    return df.assign(**{field: df[field].mask(outside)}), cut


def export_frame(runs: Mapping[str, Trajectory]) -> pd.DataFrame:
    """Every update of every run, for CSV download (not thinned)."""
    parts = []
    for label, run in runs.items():
        parts.append(
            pd.DataFrame(
                {
                    "run": label,
                    "update": np.arange(run.w.size),
                    "w": run.w,
                    "b": run.b,
                    "lr": run.lr,
                    "grad_w": run.grad,
                    "loss": run.loss,
                    "best_loss": run.best_loss,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def diverged_text(at: int | None) -> str:
    """A run's `diverged_at` as a table cell: "never", or "update k"."""
    return "never" if at is None else f"update {at}"


def to_csv(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode("utf-8")


MAX_EDITOR_ROWS = 500
MAX_ABS_VALUE = 1e6


def clean_points(
    df: pd.DataFrame, columns: tuple[str, str] = ("x", "y")
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Valid (x, y) rows of an edited table, their row positions, and notes on what was ignored and why.

    A cell is valid if it reads as a finite number with |value| <= 1e6. Rows with any invalid
    cell are dropped (the rest are kept); rows past the first 500 are ignored.
    """
    notes: list[str] = []
    if df is None or len(df) == 0:
        return np.array([]), np.array([]), np.array([], int), ["The table is empty."]
    missing = [c for c in columns if c not in df.columns]
    if missing:
        return np.array([]), np.array([]), np.array([], int), [f"The table has no column {', '.join(missing)}."]
    table = df.loc[:, list(columns)]
    if len(table) > MAX_EDITOR_ROWS:
        notes.append(f"Only the first {MAX_EDITOR_ROWS} of {len(table)} rows are used.")
        table = table.iloc[:MAX_EDITOR_ROWS]
    numbers = table.apply(lambda col: pd.to_numeric(col.astype("string").str.strip(), errors="coerce"))
    values = numbers.to_numpy(dtype=float, na_value=np.nan)
    ok_cell = np.isfinite(values) & (
        np.abs(np.nan_to_num(values, nan=np.inf, posinf=np.inf, neginf=np.inf)) <= MAX_ABS_VALUE
    )
    ok_row = ok_cell.all(axis=1)
    bad = np.flatnonzero(~ok_row)
    if bad.size:
        notes.append(
            f"Ignored {count(int(bad.size), 'rows')} with an empty, non-numeric, infinite or too large (beyond "
            f"±{plain(MAX_ABS_VALUE)}) value: {row_labels(table.index[bad])}."
        )
    return values[ok_row, 0], values[ok_row, 1], np.flatnonzero(ok_row), notes


def row_labels(labels: Sequence[object], shown: int = 8) -> str:
    """Rows as the table labels them (its index: a data editor numbers rows from 0, and a deleted row's label goes
    with it): "row 4", "rows 0, 1 and 30", "rows 0, 1, 2, 3, 4, 5, 6, 7 and 4 more"."""
    names = [str(label) for label in labels]
    if len(names) > shown:
        names = [*names[:shown], f"{len(names) - shown:,} more"]
    return f"{'row' if len(labels) == 1 else 'rows'} {listing(names)}"


def finite_stat(fn, values, empty: float = float("nan")) -> float:
    """fn over the finite entries of `values`, or `empty` if there are none (no numpy warning)."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v)]
    return float(fn(v)) if v.size else empty
