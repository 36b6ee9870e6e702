"""The floor app with the one process-level change the lab makes (ui/runtime.py): the objects alive after
the imports are frozen, so Streamlit's gc.collect() after each run skips them. bench/load.py reports the
pages against this floor too, so the lab's ratios do not flatter it with a saving the floor could have."""

import gc

import altair as alt  # noqa: F401  (imported before the freeze, as app.py does)
import numpy as np  # noqa: F401
import pandas as pd  # noqa: F401
import streamlit as st


@st.cache_resource
def _freeze() -> bool:
    gc.collect()
    gc.freeze()
    return True


_freeze()
exec(open(__file__.replace("floor_app_frozen.py", "floor_app.py"), encoding="utf-8").read())  # noqa: S102
