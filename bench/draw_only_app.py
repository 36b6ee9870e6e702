"""The draw-only baseline: one page's charts, exactly as the page sent them, and nothing computed.

bench/browser.py captures, over Streamlit's protocol, every chart a lab page sends (its Vega-Lite spec, its
Arrow datasets, its label) with its results revealed, at each value its main slider will visit; this app
serves them back behind a slider with the same key, label and range. Timed in Chromium like the page, it is
what drawing alone costs: the page's time above it is the page's computing, and only drawing less per change
cuts what is within it.

Open it at /?page=<page>; the captures live in the folder named by $L1_DRAW_CAPTURES (one pickle per page).
"""

import os
import pickle
from pathlib import Path

import streamlit as st

page = st.query_params.get("page", "")
capture = pickle.loads((Path(os.environ["L1_DRAW_CAPTURES"]) / f"{page}.pickle").read_bytes())
slider = capture["slider"]  # key, label, min, max, step, default
value = st.slider(slider["label"], slider["min"], slider["max"], slider["default"], slider["step"], key=slider["key"])
nearest = min(capture["charts"], key=lambda v: abs(v - value))
for spec, datasets, alt in capture["charts"][nearest]:
    st.vega_lite_chart({**spec, "datasets": {**spec.get("datasets", {}), **datasets}}, width="stretch", alt=alt)
