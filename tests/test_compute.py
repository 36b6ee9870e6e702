"""ui.runtime's byte-bounded caches and ui.compute's shared, coarsened experiments."""

import numpy as np
import pandas as pd
import pytest

import core
from ui import compute
from ui.lessons.noise import compute as noise_compute
from ui.runtime import BoundedCache, _caches, cache_report, cached, fingerprint, size_of

SCHED = ("constant", 0.001, ())


def test_a_cache_drops_the_least_recently_used_once_over_its_bytes():
    cache = BoundedCache("t", max_entries=100, max_bytes=3 * 8000)
    made = []
    for key in "abc":
        cache.get(key, lambda key=key: made.append(key) or np.zeros(1000))  # 8,000 bytes each
    assert len(cache) == 3 and cache.nbytes == 24_000
    cache.get("a", lambda: made.append("a again"))  # a hit: "a" becomes the most recently used
    cache.get("d", lambda: made.append("d") or np.zeros(1000))
    assert made == ["a", "b", "c", "d"]
    assert len(cache) == 3 and cache.nbytes <= cache.max_bytes
    cache.get("b", lambda: made.append("b again") or np.zeros(1000))  # "b" was the oldest: it left
    assert made[-1] == "b again"


def test_a_cache_drops_by_entries_and_keeps_nothing_larger_than_its_bound():
    cache = BoundedCache("t", max_entries=2, max_bytes=10_000)
    for key in range(5):
        cache.get(key, lambda: np.zeros(10))
    assert len(cache) == 2
    big = cache.get("big", lambda: np.zeros(2000))  # 16,000 bytes: returned, not kept
    assert big.size == 2000 and "big" not in cache._items and cache.nbytes <= 10_000


def test_cached_results_are_read_only_and_tables_come_back_as_copies():
    @cached(max_entries=4, max_mb=1)
    def table(n: int) -> pd.DataFrame:
        return pd.DataFrame({"v": np.arange(n)})

    @cached(max_entries=4, max_mb=1)
    def array(n: int) -> np.ndarray:
        return np.arange(n)

    first = table(3)
    first["v"] = -1  # a page editing its copy
    assert table(3)["v"].tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="read-only"):
        array(3)[0] = 5


def test_fingerprint_tells_arguments_apart_by_value_and_type():
    x = np.array([1.0, 2.0])
    assert fingerprint((x, 1.0)) == fingerprint((x.copy(), 1.0))
    assert fingerprint(x) != fingerprint(np.array([1.0, 2.5]))
    assert fingerprint(0.0) != fingerprint(-0.0)
    assert fingerprint(1) != fingerprint(True) != fingerprint(1.0)
    assert fingerprint(core.article_dataset(5.0, seed=1)) != fingerprint(core.article_dataset(5.0, seed=2))
    with pytest.raises(TypeError, match="cache key"):
        fingerprint(object())


def test_size_of_counts_array_buffers():
    run = core.descend(core.article_dataset(), "l1", 0.01, 20.0, 2, epochs=10)
    assert size_of(run) >= 7 * run.w.nbytes
    assert size_of({"a": np.zeros(100)}) >= 800


def test_every_compute_cache_together_is_bounded_by_cache_mb():
    from ui.lessons.registry import import_every_lesson_module

    import_every_lesson_module()  # every lesson's compute module, hence its caches

    mine = [(name, bound) for name, _, _, bound in cache_report() if name.startswith("ui.")]
    assert {name.rsplit(".", 1)[1] for name, _ in mine} >= {"run", "surface", "noise_experiments"}
    assert sum(bound for _, bound in mine) <= compute.CACHE_MB * 2**20
    assert all(_caches[name].max_entries >= 1 for name, _ in mine)


def test_share_budget_keeps_everything_that_fits_and_thins_alike_otherwise():
    sizes = {"sweep": 26, "draws": 48, "heat": 56}
    assert noise_compute.share_budget(sizes, 1000, 10**6) == sizes
    half = noise_compute.share_budget(sizes, 20_000, 130 * 10_000)
    assert half == {"sweep": 13, "draws": 24, "heat": 28}
    assert noise_compute.share_budget({"draws": 48}, 20_000, 1, least=4) == {"draws": 4}


def test_spread_keeps_both_ends():
    assert noise_compute.spread(26, 13).tolist()[0] == 0 and noise_compute.spread(26, 13).tolist()[-1] == 25
    assert noise_compute.spread(5, 9).tolist() == [0, 1, 2, 3, 4]
    assert len(noise_compute.spread(26, 13)) == 13


def test_thinned_says_what_was_left_out():
    assert noise_compute.Thinned(48, 48, "noise draws").note == ""
    assert noise_compute.Thinned(48, 24, "noise draws").note == "24 of 48 noise draws"


def test_noise_experiments_match_one_pass_per_experiment():
    """One pass over the sweep, the draws and the heatmap gives what each experiment gives in its own pass."""
    lrs, sigmas, heat_lrs = (1e-3, 1e-2, 0.1), (0.0, 5.0), (1e-3, 0.05)
    kw = {"shuffle": True, "shuffle_seed": 3, "track_loss": False}
    got = noise_compute.noise_experiments(
        "l1",
        SCHED,
        20.0,
        2,
        30,
        sigma=5.0,
        seed=3,
        sweep_lrs=lrs,
        seeds=5,
        heat_sigmas=sigmas,
        heat_lrs=heat_lrs,
        shuffle=True,
    )

    def data(sigma: float, seed: int) -> core.Dataset:
        return core.make_dataset(20, 2.0, 1.0, 0.0, sigma, outlier_fraction=0.0, outlier_size=0.0, seed=seed)

    sweep = core.descend_many(data(5.0, 3), "l1", np.array(lrs), 20.0, 2, epochs=30, **kw)
    tail = max(1, sweep.n_updates // 10)
    np.testing.assert_allclose(got.sweep_error, np.mean(np.abs(sweep.w[:, -tail:] - 1), axis=1), rtol=1e-12)
    draws = core.descend_many([data(5.0, s) for s in range(5)], "l1", 0.001, 20.0, 2, epochs=30, **kw)
    np.testing.assert_allclose(got.draw_final, draws.w[:, -1], rtol=1e-12)
    sets = [data(s, 3) for s in sigmas for _ in heat_lrs]
    heat = core.descend_many(sets, "l1", np.tile(heat_lrs, len(sigmas)), 20.0, 2, epochs=30, **kw)
    np.testing.assert_allclose(got.heat_final.ravel(), heat.w[:, -1], rtol=1e-12)
    assert got.draw_seeds.tolist() == list(range(5)) and all(t.note == "" for t in got.thinned)


def test_noise_experiments_over_budget_run_a_share_and_say_so():
    got = noise_compute.noise_experiments(
        "l2",
        SCHED,
        20.0,
        1,
        50,
        sigma=5.0,
        seed=0,
        sweep_lrs=tuple(np.logspace(-4, -1, 26)),
        seeds=48,
        budget=37 * 1000,
    )
    assert got.sweep_lrs.size == 13 and got.draw_seeds.tolist() == list(range(24))
    assert got.note("learning rates") == "13 of 26 learning rates"
    assert got.note("noise draws") == "24 of 48 noise draws"
    assert got.heat_final.size == 0 and got.sweep_error.size == 13
    assert got.sweep_lrs[0] == pytest.approx(1e-4) and got.sweep_lrs[-1] == pytest.approx(0.1)
