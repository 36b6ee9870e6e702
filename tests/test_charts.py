"""Every chart function returns a spec that passes Vega-Lite schema validation with its data in,
draws every dataset it carries, and keeps one colour per loss that never changes between charts."""

import json

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import core
from ui import charts, follow, frames
from ui.lessons.derivation import charts as derivation_charts
from ui.lessons.landscape import charts as landscape_charts
from ui.lessons.landscape import compute as landscape_compute
from ui.lessons.landscape import lesson as landscape
from ui.lessons.noise import charts as noise_charts
from ui.lessons.outliers import charts as outliers_charts

LOSSES = ["l1", "l2", "huber"]


def runs():
    d = core.article_dataset(1.0)
    return {charts.label(k): core.descend(d, k, 0.01, 20, 2, epochs=10) for k in LOSSES}


def lines(value="w"):
    return frames.runs_frame(runs(), value)


LANDSCAPE_GRID = pd.DataFrame({"w0": [0.0], "w1": [1.0], "b0": [0.0], "b1": [1.0], "loss": [3.0], "level": [1.4]})

CASES = {
    "trajectory": lambda: charts.trajectory_chart(
        lines(),
        "w",
        "w",
        LOSSES,
        hlines=pd.DataFrame({"y": [1.0, 1.1], "text": ["a", "b"]}),
        band=(0.9, 1.1, "band"),
        theory=pd.DataFrame({"update": [0, 1], "w": [20.0, 19.0], "text": "t"}),
        marker=3,
    ),
    "small_multiples": lambda: charts.small_multiples(
        frames.runs_frame(runs(), "loss", True, "best_loss"), "loss", "loss", LOSSES, best="best_loss"
    ),
    "lr": lambda: noise_charts.lr_chart(lines("lr"), LOSSES, marker=2),
    "sweep": lambda: noise_charts.sweep_chart(
        pd.DataFrame({"lr": [0.01, 0.1], "series": charts.label("l1"), "error": [0.1, 1.0]}), ["l1"], 0.125, 0.01
    ),
    "draws": lambda: noise_charts.draws_chart(
        pd.DataFrame({"seed": [0, 1], "series": charts.label("l2"), "error": [0.1, 0.2]}), ["l2"]
    ),
    "heatmap": lambda: noise_charts.heatmap_chart({"l1": pd.DataFrame({"lr": [0.01], "sigma": [1.0], "error": [0.3]})}),
    "step_function": lambda: derivation_charts.step_function_chart(
        pd.DataFrame({"w": [0.0, 1.0], "g": [-1.0, 1.0]}), 0.5, (0.4, 0.6)
    ),
    "scatter_fit": lambda: outliers_charts.scatter_fit_chart(
        pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 5.0], "kind": ["inlier", "outlier"]}),
        pd.DataFrame({"x": [0.0, 1.0], "series": charts.label("l1"), "y": [0.0, 1.0]}),
        ["l1"],
        pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 2.0], "text": "the true line y = 2x"}),
    ),
    "convergence": lambda: outliers_charts.convergence_chart(
        pd.DataFrame({"update": [0, 1], "series": charts.label("l1"), "distance": [1.0, 1e-3]}), ["l1"], 0.01
    ),
    "breakdown": lambda: outliers_charts.breakdown_chart(
        pd.DataFrame(
            {"fraction": [0.0, 0.1], "series": charts.label("l1"), "gap": [0.0, 0.1], "slope": 2.0, "bias": 1.0}
        ),
        ["l1"],
        0.1,
        1.35,
    ),
    "number_line": lambda: outliers_charts.number_line_chart(
        pd.DataFrame({"value": [1.0, 9.0], "moved": ["fixed", "dragged"]}),
        pd.DataFrame({"value": [1.0, 5.0], "series": [charts.label("l1"), charts.label("l2")], "text": ["m", "n"]}),
    ),
    "influence": lambda: outliers_charts.influence_chart(
        pd.DataFrame(
            {"point": [0, 1], "series": charts.label("l1"), "contribution": [-2.0, 2.0], "residual": [-1.0, 1.0]}
        ),
        ["l1"],
    ),
    "landscape": lambda: landscape_charts.landscape_chart(
        LANDSCAPE_GRID,
        pd.DataFrame({"w": [0.0, 0.5], "b": [0.0, 0.5], "step": [0, 1], "optimizer": "sgd"}),
        pd.DataFrame({"w": [0.0, 1.0], "b": [1.0, 0.0], "sample": 0}),
        (0.5, 0.5),
        ["sgd"],
        w_range=(0.0, 1.0),
        b_range=(0.0, 1.0),
    ),
    "landscape_follows": lambda: landscape_follows({"sgd": (np.arange(19.0)[:, None] * [0.0, 0.1], np.zeros((19, 2)))}),
    "optimizer_loss": lambda: landscape_charts.optimizer_loss_chart(
        pd.DataFrame({"update": [0, 1], "optimizer": "adam", "kind": "loss − optimum", "value": [1.0, 0.5]}), ["adam"]
    ),
}


def landscape_follows(moving: dict) -> charts.Spec:
    """The map with its own lr slider (ui.follow), Adam's path and plain descent's at each of the slider's 19 values,
    as ui.follow.chart sends it (with the value the words were computed for)."""
    spec = landscape_charts.landscape_chart(
        LANDSCAPE_GRID,
        pd.DataFrame({"w": [0.0, 0.5], "b": [0.0, 0.5], "step": [0, 1], "optimizer": "adam"}),
        None,
        (0.5, 0.5),
        ["sgd", "adam"],
        w_range=(0.0, 1.0),
        b_range=(0.0, 1.0),
        moving=landscape_compute.path_family(moving),
        slider=landscape.lr_slider(),
    )
    return charts.Spec(spec.template, {**spec.datasets, follow.SERVED: pd.DataFrame({"value": [0.002]})}, spec.params)


def named_sources(node) -> set[str]:
    """Every dataset name a spec's layers draw from."""
    if isinstance(node, dict):
        here = {node["data"]["name"]} if isinstance(node.get("data"), dict) and "name" in node["data"] else set()
        return here.union(*(named_sources(v) for k, v in node.items() if k != "datasets"))
    if isinstance(node, list):
        return set().union(*(named_sources(v) for v in node))
    return set()


@pytest.mark.parametrize("name", CASES)
def test_chart_spec_is_valid_vega_lite_with_its_data(name):
    spec = CASES[name]()
    full = spec.to_dict()
    assert full.get("layer") or full.get("spec") or full.get("mark") or full.get("vconcat")  # something is drawn
    # the data as the browser receives it, inline, validated against the Vega-Lite schema
    full["datasets"] = {
        k: data.to_pylist() if isinstance(data, pa.Table) else data for k, data in full["datasets"].items()
    }
    alt.Chart.from_dict(full, validate=True)
    assert set(spec.datasets) <= named_sources(full), "a dataset is sent that no layer draws"
    assert named_sources(full) <= set(full["datasets"]), "a layer draws a dataset that is not sent"


def test_the_spec_text_stays_the_same_when_only_the_data_changes():
    """What lets the browser patch the data instead of rebuilding the chart."""
    a = charts.trajectory_chart(lines(), "w", "w", LOSSES, band=(0.9, 1.1, "band"))
    b = charts.trajectory_chart(lines().assign(w=0.0), "w", "w", LOSSES, band=(0.5, 0.6, "other"))
    assert a.template == b.template and not a.datasets["lines"].equals(b.datasets["lines"])
    c = charts.trajectory_chart(lines(), "w", "w", LOSSES[:2])
    assert c.template != a.template


def _sent(table: pa.Table) -> pa.Table:
    """What the browser receives for a chart's dataset: Streamlit's own serialisation of it, read back."""
    from streamlit import dataframe_util

    return pa.ipc.open_stream(dataframe_util.convert_anything_to_arrow_bytes(table)).read_all()


def test_chart_data_goes_as_arrow_that_reads_back_to_the_same_table_through_streamlits_serialiser():
    df = pd.DataFrame(
        {
            "update": np.arange(5),
            "series": [charts.label("l1")] * 3 + [charts.label("l2")] * 2,
            "w": [20.0, np.nan, -1.5, 1e300, 0.0],
            "text": pd.Series(["a", None, "c", "d", "e"], dtype=object),
            "big": [0, 1, 2, 3, 2**40],
        }
    )
    table = _sent(charts.arrow_table(df))
    assert pa.types.is_dictionary(table.schema.field("series").type), "a repeated label is sent once"
    assert table.schema.field("update").type == pa.int32() and table.schema.field("big").type == pa.int64()
    back = table.to_pandas()
    assert back["series"].astype(str).tolist() == df["series"].tolist()
    assert back["text"].tolist()[0] == "a" and back["text"].isna().tolist() == [False, True, False, False, False]
    np.testing.assert_array_equal(back["w"], df["w"])
    assert back["update"].tolist() == list(range(5)) and back["big"].tolist() == df["big"].tolist()
    empty = _sent(charts.arrow_table(pd.DataFrame({"x": np.array([], dtype=float)})))
    assert empty.num_rows == 0


def test_the_landscape_ranges_are_params_of_one_template_sent_as_data():
    """A new starting point that widens the axes costs no Altair build, and the spec's text stays the same (the
    browser patches the view instead of rebuilding it): the ranges go as the one-row dataset the params read."""
    one, other = CASES["landscape"](), CASES["landscape"]()
    other = landscape_charts.landscape_chart(
        LANDSCAPE_GRID,
        *[other.datasets[k] for k in ("paths", "creases")],
        (0.5, 0.5),
        ["sgd"],
        w_range=(-3.0, 2.0),
        b_range=(-1.0, 7.0),
    )
    assert one.template == other.template
    full = other.to_dict()
    sent = full["datasets"][charts.PARAMS].to_pylist()
    assert sent == [{"w_lo": -3.0, "w_hi": 2.0, "b_lo": -1.0, "b_hi": 7.0}]
    exprs = {p["name"]: p["expr"] for p in full["params"]}
    assert exprs["w_lo"] == "length(data('params')) ? data('params')[0].w_lo : 0.0"
    assert "value" not in full["params"][0] and charts.PARAMS in named_sources(full)  # the dataset is in the view
    x_scale = json.loads(other.template)["layer"][0]["encoding"]["x"]["scale"]
    assert x_scale["domain"] == [{"expr": "w_lo"}, {"expr": "w_hi"}]


def test_each_loss_keeps_its_colour_and_dash_everywhere():
    colour, dash = charts.loss_scales(["huber", "l1"])
    assert colour.to_dict()["range"] == [charts.LOSS_COLORS["huber"], charts.LOSS_COLORS["l1"]]
    assert dash.to_dict()["range"] == [charts.LOSS_DASHES["huber"], charts.LOSS_DASHES["l1"]]
    assert len(set(charts.LOSS_COLORS.values())) == len(charts.LOSS_COLORS)
    assert len({tuple(d) for d in charts.LOSS_DASHES.values()}) == len(charts.LOSS_DASHES)
    spec = CASES["small_multiples"]().template
    for loss in LOSSES:
        assert charts.LOSS_COLORS[loss] in spec


def test_long_runs_are_thinned_before_charting_but_keep_extremes():
    w = np.sin(np.arange(20001) / 5.0)
    w[777] = -9.0
    df = frames.series_frame({"x": w}, "w")
    assert len(df) <= 610 and df["w"].min() == -9.0


def _falling_runs() -> pd.DataFrame:
    """Page 2's three lines at the article's settings: one falls to −60, one to 12, one settles at 1."""
    k = np.arange(201)
    w = {"signed": 20 - 0.4 * k, "abs": 20 - 0.04 * k, "l2": 1 + 19 * np.exp(-0.1 * k)}
    return pd.DataFrame(
        {"update": np.tile(k, 3), "series": np.repeat(list(w), 201), "w": np.concatenate(list(w.values()))}
    )


def test_references_that_meet_on_screen_share_one_label():
    refs = pd.DataFrame({"y": [1.0, 1.0, 1.0], "text": ["true w = 1", "L1 optimum 1", "L2 optimum 1"]})
    placed = charts.place_rules(refs, _falling_runs(), "w", height=340)
    assert placed["text"].tolist() == ["true w = 1 · L1 optimum 1 · L2 optimum 1"]
    far = pd.DataFrame({"y": [1.0, -40.0], "text": ["true w = 1", "somewhere else"]})
    assert len(charts.place_rules(far, _falling_runs(), "w", height=340)) == 2


def test_a_reference_label_sits_where_no_line_runs():
    """A label at y = 12 at the right end would sit on absolute L1's line (it ends at 12): it moves."""
    runs = _falling_runs()
    refs = pd.DataFrame({"y": [12.0], "text": ["a reference at 12"]})
    ((slot,),) = charts.place_rules(refs, runs, "w", height=340)[["slot"]].to_numpy()
    side, level = slot.split()
    per_px = (20 - (-60)) / (340 - 30)
    lo, hi = (12, 12 + charts.LABEL_PX * per_px) if level == "above" else (12 - charts.LABEL_PX * per_px, 12)
    under = runs.loc[(runs["update"] >= 140) if side == "right" else (runs["update"] <= 60), "w"]
    assert not ((under > lo) & (under < hi)).any(), slot


def test_a_diverging_run_leaves_the_chart_instead_of_flattening_the_others():
    data = core.make_dataset(20, 2.0, 1.0, 0.0, 0.0, outlier_fraction=0.0, outlier_size=0.0, seed=0)
    runs = {k: core.descend(data, k, 0.5, 20.0, 2, epochs=20, gradient_over="full" if k == "signed_l1" else "batch")
            for k in ("signed_l1", "l1", "l2")}  # fmt: skip
    assert runs["l2"].diverged_at is not None
    df, cut = frames.focus_on_tame_runs(frames.runs_frame(runs, "w"), runs, "w", [1.0])
    assert cut == ["l2"]
    tame = np.concatenate([runs["signed_l1"].w, runs["l1"].w])
    shown = df.loc[df["series"] == "l2", "w"].dropna()
    assert shown.size > 0 and shown.between(tame.min() - 0.2 * np.ptp(tame), tame.max() + 0.2 * np.ptp(tame)).all()
    quiet, none_cut = frames.focus_on_tame_runs(frames.runs_frame({"l1": runs["l1"]}, "w"), {"l1": runs["l1"]}, "w")
    assert none_cut == [] and quiet["w"].notna().all()


def test_the_number_lines_labels_sit_on_the_far_side_of_their_rules():
    """The median's label at 5 wrote rightwards across the mean's rule at 5.56: the lower statistic's label goes
    to the left of its rule, the higher one's to the right."""
    stats = pd.DataFrame({"value": [5.0, 5.56], "series": [charts.label("l1"), charts.label("l2")], "text": ["a", "b"]})
    spec = outliers_charts.number_line_chart(pd.DataFrame({"value": [5.0], "moved": ["fixed"]}), stats)
    assert spec.datasets["stats"]["side"].tolist() == ["left", "right"]
    layers = json.loads(spec.template)["layer"]
    aligns = {layer["transform"][0]["filter"].split("== ")[-1].strip("'\")"): layer["mark"]["align"]
              for layer in layers if layer["mark"]["type"] == "text"}  # fmt: skip
    assert aligns == {"left": "right", "right": "left"}


@pytest.mark.parametrize("w, your_side", [(0.5, "right"), (0.1, "left"), (0.8, "right")])
def test_the_staircase_names_your_w_and_the_weighted_median_on_their_outer_sides(w, your_side):
    spec = derivation_charts.step_function_chart(pd.DataFrame({"w": [0.0, 1.0], "g": [-1.0, 1.0]}), w, (0.4, 0.6))
    layers = [layer for layer in json.loads(spec.template)["layer"] if "text" in layer.get("encoding", {})]
    texts = {(layer["encoding"]["text"]["value"], layer["transform"][0]["filter"].split("== ")[-1].strip("'")):
             layer["mark"]["align"] for layer in layers}  # fmt: skip
    assert set(t for t, _ in texts) == {"your w", "weighted median"}
    assert spec.datasets["now"]["side"].tolist() == [your_side]
    median_side = spec.datasets["optimum"]["side"].item()
    assert median_side != your_side  # one name each side of the pair: the two never overlap
    assert texts[("your w", "left")] == "right" and texts[("weighted median", "right")] == "left"  # written outward


@pytest.mark.parametrize("current", [0.1, 0.35, 0.45])
def test_the_breakdown_rules_names_cross_no_rule(current):
    """A phone's read: the near rule's name, written inside the plot at its left, was struck through by your
    fraction's rule at 10%. It sits beside the plot now, at its rule's height; your fraction's name is on the side
    of its rule away from the lines' steep ends; the half-bad name gives way when your fraction's rule runs by it."""
    df = pd.DataFrame({"fraction": [0.0, 0.5], "series": "absolute L1 |r|", "gap": [0.1, 12.0]})
    spec = outliers_charts.breakdown_chart(df, ["l1"], current, 1.35).to_dict()
    texts = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    beside = [t for t in texts if t["data"]["name"] == "near"]
    assert beside and all(t["mark"]["x"] == {"expr": "width + 4"} for t in beside)
    yours = spec["datasets"]["yours"].to_pylist()[0]
    assert yours["side"] == ("left" if current <= 0.3 else "right")
    assert spec["datasets"]["half"].num_rows == int(current < 0.42)
