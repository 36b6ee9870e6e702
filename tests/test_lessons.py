"""The "For teachers" page and the lab pages read the same lessons: the answer a teacher prepares is the one
the page gives. Each lesson's expected answer at its defaults and at every preset it recommends is given to
the page's own question, and the page must say it is right."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

import core
from tests.test_pages import APP, open_page
from ui.lessons.noise import lesson as noise
from ui.lessons.registry import LESSONS
from ui.lessons.signed_l1 import lesson as signed_l1

CASES = [(e.lesson, preset) for e in LESSONS for preset in (None, *e.lesson.show)]


@pytest.mark.parametrize(
    ("lesson", "preset"), CASES, ids=[f"{lesson.page}-{preset or 'defaults'}" for lesson, preset in CASES]
)
def test_the_teachers_answer_is_the_one_the_page_calls_right(lesson, preset):
    values = lesson.values(preset)
    answer, why = lesson.expected(values)
    assert answer and why
    query = {c.key: c.to_url(values[c.key]) for c in lesson.controls if values[c.key] != c.default}
    at = open_page(f"pages/{lesson.page}.py", query)
    at.checkbox(key=f"{lesson.predict_key}_skip").uncheck().run()
    radios = [w for w in at.radio if w.key == lesson.predict_key]
    if radios:
        radios[0].set_value(answer).run()
    else:  # a number to type (the derivation page)
        at.number_input(key=lesson.predict_key).set_value(float(answer)).run()
    assert not at.exception, [e.message for e in at.exception]
    verdicts = [s.value for s in at.success]
    assert any(v.startswith(("Right", "Yes")) or "✅" in v for v in verdicts), (answer, [e.value for e in at.error])


def test_every_lesson_has_a_question_wrong_answers_and_presets_that_exist():
    lab_pages = {p.stem for p in (APP.parent / "pages").glob("*.py")} - {"home", "teachers"}
    assert sorted(e.lesson.page for e in LESSONS) == sorted(lab_pages), "every lab page has one registry line"
    assert [e.number for e in LESSONS] == list(range(1, len(LESSONS) + 1))
    for lesson in (e.lesson for e in LESSONS):
        assert lesson.question(lesson.defaults()).strip()
        assert lesson.wrong and all(lesson.wrong.values())
        assert set(lesson.show) <= set(lesson.presets)
        keys = {c.key for c in lesson.controls}
        assert all(set(p) <= keys for p in lesson.presets.values())


def test_the_teachers_page_shows_every_lessons_computed_answer_and_links():
    from streamlit.testing.v1 import AppTest

    from tests.test_pages import APP
    from ui.lessons import plan

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.switch_page("pages/teachers.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    shown = "\n".join(e.value for e in [*at.markdown, *at.success])
    links = {(link.proto.page, link.proto.label, link.proto.query_string) for link in at.main.get("page_link")}
    for entry in LESSONS:
        lesson = entry.lesson
        answer, _ = lesson.expected(lesson.defaults())
        assert (lesson.page, entry.title, "") in links  # the plan's row: the page at its defaults
        assert f"The default run's answer: {plan.shown(answer)}." in shown
        for name in lesson.show:
            assert (lesson.page, name, urlencode(lesson.query(name))) in links


def test_the_signed_l1_answers_stay_the_same_words_whatever_the_settings():
    """An answer stays chosen while a student moves a slider: the options name no setting's number."""
    at = open_page("pages/signed_l1.py")
    at.radio(key="s_predict").set_value(signed_l1.OPTIONS[2]).run()
    at.slider(key="s_w0").set_value(22.0).run()
    assert at.radio(key="s_predict").value == signed_l1.OPTIONS[2] and at.get("vega_lite_chart")


@pytest.mark.parametrize("name", list(noise.ARTICLE_PRESETS))
def test_the_article_claim_table_is_decided_from_runs_computed_straight_from_core(name):
    """lesson.article_claim (computed once per process) against runs made here with core alone."""
    p = {c.key: c.default for c in noise.CONTROLS} | noise.ARTICLE_PRESETS[name]
    sched_name, lr0, params = noise.schedule(p)
    data = core.make_dataset(
        noise.N, noise.X, noise.W_TRUE, 0.0, p["n_sigma"], outlier_fraction=0.0, outlier_size=0.0, seed=p["n_seed"]
    )
    runs = {
        k: core.descend(
            data,
            k,
            core.schedule_from_name(sched_name, lr0, **dict(params)),
            p["n_w0"],
            p["n_bs"],
            epochs=p["n_epochs"],
        )
        for k in ("l1", "l2")
    }
    start = noise.say.tail_start(runs["l1"].n_updates)
    windows = [noise.say.window(runs[k].w, start, noise.root(p)) for k in ("l1", "l2")]
    holds, _ = noise.say.claim(
        *windows, runs["l2"].diverged_at, rates=runs["l1"].lr, sigma=p["n_sigma"], batch_size=p["n_bs"], n=noise.N
    )
    ok, l1_swing, l2_swing = noise.article_claim(name)
    assert ok == holds
    for swing, k in ((l1_swing, "l1"), (l2_swing, "l2")):
        w = runs[k].w[start:]
        assert swing == pytest.approx(float(w.max() - w.min()), rel=1e-12)  # the same arithmetic, one rounding


def test_the_noise_variant_preset_is_what_its_name_says():
    """ "... from w0 = 0.5, inside absolute L1's optimum interval": it starts there and never leaves it (a teacher's
    read: "where absolute L1 has arrived" oversold a run that never travelled)."""
    [name] = [k for k in noise.PRESETS if k.startswith("Variant:")]
    assert "inside absolute L1's optimum interval" in name and "arrived" not in name
    p = {c.key: c.default for c in noise.CONTROLS} | noise.PRESETS[name]
    run = noise.run(p, "l1")
    assert noise.say.never_left(run.w, noise.optima(p, ["l1"])["l1"])


def test_the_articles_code_on_a_phone_keeps_every_line_and_note_within_50_characters():
    from ui.lessons.signed_l1.lesson import narrow_code

    wide = "def f(x):\n    if x:\n        return np.sum(x)          # <- our note: x, not this_x (all 20 samples)"
    narrow = narrow_code(wide).splitlines()
    note = "    # ↓ our note: x, not this_x (all 20 samples)"
    assert narrow == ["def f(x):", "  if x:", note, "    return np.sum(x)"]
    assert max(map(len, narrow)) <= 50


def test_the_lecture_plan_fills_50_minutes_from_the_registry_and_says_what_to_trim():
    from ui.lessons import plan
    from ui.lessons.registry import LESSONS

    rows = plan.rows(LESSONS)
    assert plan.total(LESSONS) == plan.LECTURE_MINUTES == 50
    assert rows[0].when.startswith("0\u2060–") and rows[-1].when.endswith(f"–\u2060{plan.LECTURE_MINUTES}\u00a0min")
    assert [(r.what, r.entry) for r in rows[1:-1]] == [(e.title, e) for e in LESSONS]
    ends = [int(r.when.split("–")[1].strip("\u2060").split("\u00a0")[0]) for r in rows]
    starts = [int(r.when.split("–")[0].strip("\u2060")) for r in rows]
    assert starts[1:] == ends[:-1]  # one row after the other, no gap
    assert "Introduction" in rows[0].what and "exit ticket" in rows[-1].what and rows[0].entry is None
    assert [e.lesson.page for e in plan.trims(LESSONS)][0] == LESSONS[-1].lesson.page  # the last page goes first
    assert all(e.lesson.trim for e in LESSONS)


def test_the_teachers_page_shows_a_numeric_answer_with_a_true_minus_sign():
    from ui.lessons import plan

    assert plan.shown("-2") == "−2" and plan.shown("0") == "0" and plan.shown("L2") == "L2"


def test_a_common_wrong_pick_reads_its_misconception_at_every_setting():
    """A fresh teacher's read: a wrong pick got the same text as a skip; the teachers' page has a rebuttal for each
    common wrong answer. Page 2's quote the run's numbers, computed at the settings on screen (read5a 8: off the
    defaults, under the presets the teachers' page lists, they were dropped)."""
    from tests.test_pages import open_page
    from ui.lessons.signed_l1 import lesson

    pick = lesson.OPTIONS[1]  # "It oscillates around the true w"
    for query, step in (({}, "−0.4"), ({"s_lr": "0.02"}, "−0.8"), ({"s_sigma": "5"}, "−0.4")):
        at = open_page("pages/signed_l1.py", query)
        at.checkbox(key=f"{lesson.PREDICT_KEY}_skip").uncheck().run()
        at.radio(key=lesson.PREDICT_KEY).set_value(pick).run()
        verdict = " ".join(e.value for e in at.error)
        assert verdict.startswith("Not quite") and "This is absolute L1's behaviour remembered" in verdict, verdict
        assert f"every step is −lr·Σx = {step} here" in verdict, verdict
        assert any(e.label == "Why, in numbers" for e in at.expander)


def test_the_start_page_does_not_give_away_page_2s_answer():
    """A teacher's read: the home page printed "sends its weight toward minus infinity (−60 after the post's 20
    epochs, and still falling)" and its path line "see why its weight never stops", before page 2 asks where w goes
    (its right option: "It falls on a straight line and never stops"); and "exactly how" overstated the link."""
    at = open_page("pages/home.py")
    text = " ".join(str(e.value) for e in at.markdown) + " ".join(e.path_line for e in LESSONS)
    for giveaway in ("−60", "minus infinity", "never stops", "still falling", "exactly how"):
        assert giveaway not in text, giveaway


def test_the_trim_list_keeps_the_misconception_on_page_1():
    """A teacher's read: "If you run short of time… drop the misconception switch" on page 1, the lesson's point (the
    Cross Validated slip the introduction asks the room to listen for); the finite-difference table goes instead."""
    derivation = next(e for e in LESSONS if e.lesson.page == "derivation")
    trim = derivation.lesson.trim.split(":")[0]
    assert "finite-difference table" in trim and "misconception" not in trim
