import numpy as np
import pytest

from core import Dataset, article_dataset, make_dataset


def test_article_dataset_is_the_articles_setup():
    d = article_dataset()
    assert d.n == 20 and d.w_true == 1.0
    np.testing.assert_array_equal(d.x, np.full(20, 2.0))
    np.testing.assert_array_equal(d.y, np.full(20, 2.0))


def test_same_seed_same_data_other_seed_other_data():
    a, b, c = article_dataset(5.0, seed=3), article_dataset(5.0, seed=3), article_dataset(5.0, seed=4)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.allclose(a.y, c.y)
    assert np.std(a.y - 2.0) == pytest.approx(5.0, rel=0.5)


def test_outliers_are_planted_and_marked():
    d = make_dataset(n=40, x=(0, 5), w_true=2.0, b_true=1.0, outlier_fraction=0.25, outlier_size=30.0, seed=1)
    assert d.is_outlier.sum() == 10
    clean = 2.0 * d.x + 1.0
    np.testing.assert_allclose(d.y[~d.is_outlier], clean[~d.is_outlier])
    np.testing.assert_allclose(d.y[d.is_outlier], clean[d.is_outlier] + 30.0)
    assert np.all((d.x >= 0) & (d.x <= 5))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n": 0},
        {"n": 10**9},
        {"n": 2.5},
        {"noise_sigma": -1},
        {"noise_sigma": float("inf")},
        {"outlier_fraction": 1.5},
        {"x": float("nan")},
    ],
)
def test_bad_arguments_raise(kwargs):
    with pytest.raises(ValueError):
        make_dataset(**kwargs)


def test_dataset_rejects_non_finite_and_mismatched():
    with pytest.raises(ValueError, match="finite"):
        Dataset([1.0, np.inf], [1.0, 2.0])
    with pytest.raises(ValueError, match="same length"):
        Dataset([1.0], [1.0, 2.0])
