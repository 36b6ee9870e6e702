"""Start here: what the app teaches, the path through it, and how to use it in a class."""

import streamlit as st

from ui import layout
from ui.controls import sync_url

layout.header(
    "L1 Descent Lab", "What is the gradient of an absolute-value loss, and what does gradient descent do with it?"
)

st.markdown("For a model prediction m(w) and a target t, the **L1 loss** is L(w) = |m(w) − t|. Its gradient is")
st.latex(r"\frac{dL}{dw} \;=\; \operatorname{sign}\big(m(w) - t\big)\cdot m'(w) \;=\; \frac{m(w)-t}{|m(w)-t|}\, m'(w)")
st.markdown(
    "It depends on the target **through the sign**. A common slip says it is just m'(w), “since t is a constant”; "
    "that slip, put into code, is exactly how a popular blog post's “L1 loss” ran its weight to minus infinity. "
    "At m(w) = t there is no derivative at all, only a set of subgradients."
)

st.subheader("The path")
st.page_link(
    "pages/signed_l1.py",
    label="The signed-L1 failure: reproduce the blog post's broken experiment and see why its weight never stops",
    icon="⚠️",
)
for path, text, icon in [
    (
        "pages/derivation.py",
        "The L1 gradient, step by step: the chain rule with numbers you move, the kink, and the misconception",
        "✏️",
    ),
    (
        "pages/noise_and_learning_rate.py",
        "Noise and learning rate: why a constant step makes L1 oscillate in a "
        "band while L2 settles, and the decaying step that fixes it",
        "🎚️",
    ),
    ("pages/outliers.py", "Outliers: L1 finds a median, L2 chases a mean", "🎯"),
    ("pages/landscape.py", "The (w, b) landscape: creases, zig-zags, momentum, Adam and Polyak's step", "🗺️"),
]:
    st.page_link(path, label=text, icon=icon)

st.subheader("Using it in a class")
st.markdown(
    "- **Predict, then observe.** Each experiment first asks a question; the charts appear once the class has "
    "answered (or you skip). Ask the room, then click.\n"
    "- **Share the exact experiment.** Every slider is stored in the address bar: copy the URL and students open "
    "the same settings. A *Preset* menu on each lab page reproduces the blog post's figures.\n"
    "- **Presentation mode** (sidebar) enlarges the type for a projector and folds the explanations.\n"
    "- **Export.** Each lab page has a CSV download of the numbers behind its charts; every chart's ⋯ menu saves "
    "it as PNG or SVG."
)
st.caption(
    "Sources: a Cross Validated question and its answers on the gradient of |m(w) − t|; the blog post "
    "*L1 loss, abs L1 loss, and L2 loss*; a walkthrough of the L1 gradient from scratch; an overview of L1 "
    "against L2 and outliers."
)
sync_url([])  # no settings of its own: the URL keeps only the shell's (presentation mode)
