"""Helpers shared by the tests."""


def central_difference(f, x: float, h: float = 1e-6) -> float:
    """(f(x + h) - f(x - h)) / 2h: the numerical derivative every analytic one is checked against."""
    return (f(x + h) - f(x - h)) / (2 * h)
