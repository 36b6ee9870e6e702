"""ui/words.py: numbers as the pages print them: never e-notation, one minus sign, and the printed text reads back
as the number to the digits it promises."""

import math

from hypothesis import given
from hypothesis import strategies as st

from ui import words


def _read(text: str) -> float:
    """A printed number back as a float: 1,234.5; −0.25; 2.5 × 10⁻¹³."""
    text = text.replace(words.MINUS, "-").replace(",", "")
    if " × 10" not in text:
        return float(text)
    mantissa, power = text.split(" × 10")
    # parsed as one literal: mantissa * 10**power underflows to 0 below 1e-308 (5e-324 printed 4.94 × 10⁻³²⁴)
    return float(f"{mantissa}e{int(power.translate(str.maketrans('⁻⁰¹²³⁴⁵⁶⁷⁸⁹', '-0123456789')))}")


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300), st.integers(3, 5))
def test_a_cell_is_the_number_to_its_digits_without_e_notation_or_a_hyphen(value, digits):
    text = words.cell(value, digits)
    assert "e" not in text and "-" not in text
    shown = min(digits, 3) if value != 0 and (abs(value) < 1e-4 or abs(value) >= 1e15) else digits
    assert math.isclose(_read(text), value, rel_tol=10 ** (1 - shown), abs_tol=0.0) or value == 0 == _read(text)


def test_a_cell_that_is_not_a_number_is_shown_as_it_is_and_a_missing_one_as_a_dash():
    assert words.cell("yes") == "yes" and words.cell(True) == "True"
    assert words.cell(1000, 3) == "1,000" and words.num(1234.5, 3) == "1,230" and words.num(999.6, 3) == "1,000"
    assert words.cell(float("nan")) == "—" == words.cell(None) and words.cell(-0.0) == "0" and words.cell(12) == "12"


@given(st.floats(1e-6, 1e6), st.floats(1e-6, 1e6))
def test_a_ratio_is_the_one_a_reader_gets_from_the_two_printed_numbers(far, near):
    printed = _read(words.plain(far)) / _read(words.plain(near))
    assert math.isclose(_read(words.times(far, near)), printed, rel_tol=0.05)  # 2 significant digits
    assert words.times(0.0148, 0.00452) == "3.3"


@given(st.floats(min_value=-1e14, max_value=1e14, allow_nan=False), st.integers(2, 5))
def test_a_number_is_never_printed_in_e_notation(value, digits):
    assert "e" not in words.num(value, digits)


def test_a_value_beside_another_it_differs_from_is_printed_apart_from_it():
    """A fresh teacher's read: "falls by 0.004 every update, to 20" from 20 (it ends at 19.996)."""
    assert words.apart(19.996, 20.0) == "19.996" and words.apart(20.0, 20.0) == "20" and words.apart(12.0, 20.0) == "12"
    assert words.apart(-60.0, 20.0) == "−60"
