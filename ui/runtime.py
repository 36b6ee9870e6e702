"""The server process: one Python process serves every student, so its per-rerun costs matter.

Streamlit runs a full `gc.collect()` after every script run (its `runner.postScriptGC` option). A
full collection walks every object the garbage collector tracks: with numpy, pandas, Altair and
Streamlit loaded that is about 120,000 objects and 40 to 60 ms here, more than the rest of a
rerun. Those objects live as long as the process, so there is nothing to collect among them.
`freeze_imports()` moves them out of the collector's view once (`gc.freeze`); later collections
walk only what the reruns create. Garbage made later is still collected as before.
"""

from __future__ import annotations

import gc

_frozen = False


def freeze_imports() -> None:
    """Collect once, then freeze every object alive now. Call after the imports; later calls do nothing."""
    global _frozen
    if not _frozen:
        gc.collect()
        gc.freeze()
        _frozen = True
