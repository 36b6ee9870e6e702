"""Start here: what the app teaches, the path through it, and how to use it in a class."""

import streamlit as st

from ui import layout
from ui.controls import sync_url
from ui.lessons.registry import LESSONS

layout.header(
    "L1 Descent Lab", "What is the gradient of an absolute-value loss, and what does gradient descent do with it?"
)

st.markdown("For a model prediction m(w) and a target t, the **L1 loss** is L(w) = |m(w) − t|. Its gradient is")
SIGN_FORM, RATIO_FORM = r"\operatorname{sign}\big(m(w) - t\big)\cdot m'(w)", r"\frac{m(w)-t}{|m(w)-t|}\, m'(w)"
if layout.on_phone():  # one equals sign a line: the whole equation is wider than a phone
    st.latex(r"\begin{aligned} \frac{dL}{dw} &= " + SIGN_FORM + r" \\ &= " + RATIO_FORM + r" \end{aligned}")
else:
    st.latex(r"\frac{dL}{dw} \;=\; " + SIGN_FORM + r" \;=\; " + RATIO_FORM)
st.markdown(
    "It depends on the target **through the sign**. A common slip says it is just m'(w), “since t is a constant”; "
    "a popular blog post's “L1 loss” makes a close cousin of that slip in code: it drops the absolute value "
    "(page 2 asks what that does to its weight). "
    "At m(w) = t there is no derivative at all, only a set of subgradients."
)

st.subheader("The path")
for entry in LESSONS:
    st.page_link(entry.path, label=f"{entry.number} · {entry.path_line}", icon=entry.icon)
st.page_link("pages/teachers.py", label="For teachers: the answers each page gives, and a 50-minute plan", icon="🧑‍🏫")

st.subheader("Using it in a class")
st.markdown(
    "- **Predict, then observe.** Each experiment first asks a question; the charts appear once the class has "
    "answered (or you skip). Ask the room, then click.\n"
    "- **Share the exact experiment.** Every slider is stored in the address bar: copy the URL and students open "
    "the same settings. A *Preset* menu on each lab page sets up one experiment in a click: a preset whose "
    "name starts with *The article* keeps the blog post's own code and settings, and says in brackets what is "
    "ours (a longer run: *ours: 1,000 epochs*); the others are this app's experiments, not figures from the post.\n"
    "- **Presentation mode** (sidebar) enlarges the type for a projector, folds the settings and the "
    "explanations, and collapses the sidebar. **Slide view** shows one screen at a time: the question, the "
    "prediction, then the chart that answers it, with back and next.\n"
    "- **Class poll** (sidebar): start a room, put its QR code on the slide, and every *Predict first* answer "
    "in the room is counted live on your screen until you reveal the result to everyone. **Ask again** beside "
    "a result hides it for the next group.\n"
    "- **Export.** Each lab page has a CSV download of the numbers behind its charts; hover a chart for its toolbar, "
    "which downloads it as PNG."
)
st.caption(  # by title: the texts this app was built from came without their addresses
    "Sources: a Cross Validated question and its answers on the gradient of |m(w) − t|; the blog post "
    "*L1 loss, abs L1 loss, and L2 loss*; *L1 loss gradient, explained from scratch* (Utkarsh Mittal, Towards AI); "
    "*Demystifying Gradient Descent with Absolute-Value Loss*, on L1 against L2 and outliers."
)
sync_url([])  # no settings of its own: the URL keeps only the shell's (presentation mode)
