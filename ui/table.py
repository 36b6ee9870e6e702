"""The editable table's edits, bounded before any work.

Streamlit applies a data editor's edits row by row inside `st.data_editor` (a pasted row costs about
1 ms, so 2,000 pasted rows cost seconds), and again on every rerun while the edits stay in the
widget's state. So a page looks at the edits *before* it draws the editor: small, well-formed edits
go to Streamlit as usual; anything else (many rows, positions that do not exist, unknown columns,
values that are not plain cells) is folded here into a new base table, capped first and cleaned
cell by cell in a few vectorised steps, and the editor starts again from that table under a new key.
No st inside.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ui.frames import MAX_ABS_VALUE, MAX_EDITOR_ROWS
from ui.words import count, plain

MAX_STREAMLIT_ROWS = 40  # edits touching more rows than this are applied here, not by Streamlit
_CELL_TYPES = (str, int, float, bool, type(None))


def _rows(value) -> tuple[int, bool]:
    """(how many rows a part of the edits names, whether it is the right type)."""
    if isinstance(value, Mapping | list):
        return len(value), True
    return 0, value is None


def _plain(row, columns: Sequence[str]) -> bool:
    return isinstance(row, Mapping) and all(
        k in columns and isinstance(v, _CELL_TYPES) and not (isinstance(v, str) and len(v) > 64) for k, v in row.items()
    )


def is_heavy(edits, n_rows: int, columns: Sequence[str]) -> bool:
    """Whether edits of a data editor showing `n_rows` rows should be folded here instead of by Streamlit.

    Cheap whatever the edits hold: it looks at no more than MAX_STREAMLIT_ROWS rows of each kind.
    """
    if edits is None:
        return False
    if not isinstance(edits, Mapping):
        return True
    edited, added, deleted = (edits.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))
    sizes = [_rows(part) for part in (edited, added, deleted)]
    if not all(ok for _, ok in sizes) or sum(size for size, _ in sizes) > MAX_STREAMLIT_ROWS:
        return True
    if isinstance(edited, Mapping) and not all(
        isinstance(k, int | str) and str(k).isdigit() and int(k) < n_rows and _plain(row, columns)
        for k, row in edited.items()
    ):
        return True
    if isinstance(deleted, list) and not all(isinstance(i, int) and 0 <= i < n_rows for i in deleted):
        return True
    return isinstance(added, list) and not all(_plain(row, columns) for row in added)


def _number(value) -> float:
    """A cell as a float: nan unless it reads as a finite number with |v| <= MAX_ABS_VALUE."""
    if (
        isinstance(value, bool)
        or not isinstance(value, str | int | float)
        or (isinstance(value, str) and len(value) > 64)
    ):
        return float("nan")
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return float("nan")
    return number if np.isfinite(number) and abs(number) <= MAX_ABS_VALUE else float("nan")


def _blank(value) -> bool:
    """An empty cell: None, nan, or only spaces (emptying it loses nothing)."""
    return (
        value is None
        or (isinstance(value, float) and np.isnan(value))
        or (isinstance(value, str) and not value.strip())
    )


def _row_position(key, n: int) -> int:
    """An edited row's key as a row position in 0..n-1, or -1 when it names no row."""
    pos = int(key) if isinstance(key, int | str) and str(key).isdigit() and len(str(key)) < 10 else -1
    return pos if 0 <= pos < n else -1


def _apply_edits(base: pd.DataFrame, edited, numeric: Sequence[str]) -> tuple[dict[str, list], int]:
    """`base`'s cells by column with the edits of existing rows' `numeric` cells applied (raw, not yet
    cleaned), and how many edits were dropped: at a row that does not exist, or past the first
    4·MAX_EDITOR_ROWS."""
    n, columns = len(base), list(base.columns)
    cells = {c: list(base[c]) for c in columns}
    if not isinstance(edited, Mapping):
        return cells, 0
    dropped = 0
    for key, row in itertools.islice(edited.items(), MAX_EDITOR_ROWS * 4):
        pos = _row_position(key, n)
        if pos < 0 or not isinstance(row, Mapping):
            dropped += 1
            continue
        for col, value in itertools.islice(row.items(), len(columns) + 1):
            if col in numeric:
                cells[col][pos] = value
    return cells, dropped + max(0, len(edited) - MAX_EDITOR_ROWS * 4)


def _kept_rows(deleted, n: int) -> list[int]:
    """The positions 0..n-1 that the deletions (a list of positions; anything else deletes nothing) leave."""
    gone = (
        {i for i in itertools.islice(deleted, n + 1) if isinstance(i, int) and 0 <= i < n}
        if isinstance(deleted, list)
        else set()
    )
    return [i for i in range(n) if i not in gone]


def _assemble(cells: dict[str, list], keep: list[int], new_rows: list[Mapping], numeric: Sequence[str]) -> pd.DataFrame:
    """The kept rows, then the new ones (their `numeric` cells; the other columns empty)."""
    return pd.DataFrame(
        {
            c: [column[i] for i in keep] + [row.get(c) if c in numeric else None for row in new_rows]
            for c, column in cells.items()
        }
    )


def _to_numbers(table: pd.DataFrame, numeric: Sequence[str]) -> int:
    """Turn every `numeric` column of `table` into floats in place (see _number); return how many
    cells that were not empty became nan."""
    emptied = 0
    for c in numeric:
        raw = table[c].tolist()
        values = np.array([_number(v) for v in raw], dtype=float)
        emptied += int(sum(1 for v, r in zip(values, raw, strict=True) if np.isnan(v) and not _blank(r)))
        table[c] = values
    return emptied


def _notes(n_added: int, room: int, dropped_edits: int, emptied: int) -> list[str]:
    """What folding dropped or emptied, one sentence per kind (none when nothing was)."""
    notes = []
    if n_added > room:
        first = "the first was" if room == 1 else f"the first {room:,} were"
        kept = f"{first} added and {n_added - room:,} dropped" if room else "all were dropped"
        notes.append(
            f"{count(n_added, 'new rows')} arrived at once and the table keeps at most {MAX_EDITOR_ROWS} rows: {kept}."
        )
    if dropped_edits:
        one = dropped_edits == 1
        notes.append(
            f"{count(dropped_edits, 'edits')} named a row that does not exist and {'was' if one else 'were'} dropped."
        )
    if emptied:
        one = emptied == 1
        notes.append(
            f"{count(emptied, 'cells')} held something other than a finite number within ±{plain(MAX_ABS_VALUE)} and "
            f"{'was' if one else 'were'} emptied."
        )
    return notes


def fold(base: pd.DataFrame, edits, numeric: Sequence[str]) -> tuple[pd.DataFrame, list[str]]:
    """`base` with the edits applied, at most MAX_EDITOR_ROWS rows, every `numeric` cell a float (nan where
    the cell was empty or not a finite number with |v| <= 1e6), and notes on what was dropped or emptied.

    Works on at most MAX_EDITOR_ROWS rows of each kind of edit, whatever their count; edits at rows or
    columns that do not exist are dropped.
    """
    edits = edits if isinstance(edits, Mapping) else {}
    cells, dropped_edits = _apply_edits(base, edits.get("edited_rows"), numeric)
    keep = _kept_rows(edits.get("deleted_rows"), len(base))
    added = edits.get("added_rows")
    added = added if isinstance(added, list) else []
    room = max(0, MAX_EDITOR_ROWS - len(keep))
    new_rows = [row if isinstance(row, Mapping) else {} for row in itertools.islice(added, room)]
    table = _assemble(cells, keep, new_rows, numeric)
    emptied = _to_numbers(table, numeric)
    return table, _notes(len(added), room, dropped_edits, emptied)
