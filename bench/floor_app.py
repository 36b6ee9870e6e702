"""The floor: the least a Streamlit page can do per slider change (one slider, one 200-point Altair line,
one line of text). bench/load.py reports every page as a ratio to this."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

frequency = st.slider("Frequency", 1.0, 10.0, 2.0, step=0.1, key="f")
x = np.linspace(0.0, 1.0, 200)
st.altair_chart(
    alt.Chart(pd.DataFrame({"x": x, "y": np.sin(2 * np.pi * frequency * x)})).mark_line().encode(x="x:Q", y="y:Q"),
    alt=f"A sine wave of frequency {frequency:.1f}.",
)
st.write(f"Frequency {frequency:.1f}")
