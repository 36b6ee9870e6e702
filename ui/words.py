"""Sentences about the run on screen, one module per page: pure functions from the run's numbers to text.

Each returns the words a page shows, with one branch per case the data can show; tests/ checks each
statement against the data it describes (hypothesis, across the page's control space). No st inside.
"""

import math

import numpy as np

MINUS = "\u2212"  # the minus sign the charts' axes print (d3's format): one sign for a number everywhere


def num(value: float, digits: int = 4) -> str:
    """A number as a sentence prints it: `digits` significant digits, a true minus sign, never e-notation
    (12,350, not 1.235e+04; 0.00005, not 5e-05)."""
    value = float(value)
    if 0 < abs(value) < 1e-4:  # 0.00005, not 5e-05
        return plain(value, digits).rstrip("0")
    big = min(1e4, 10**digits) <= abs(float(f"{value:.{digits}g}")) < 1e15  # 999.6 to 3 digits is 1,000, not 1e+03
    text = f"{float(f'{value:.{digits}g}'):,.0f}" if big else f"{value:.{digits}g}"
    return MINUS + text[1:] if text.startswith("-") else text


def cell(value: object, digits: int = 4) -> str:
    """A table's cell as a reader writes it: a number to `digits` significant digits with the minus sign −, a
    tiny or huge one as 2.5 × 10⁻¹³ (never e-notation, never a row of zeros), a missing one as —; anything else
    as it is."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        return str(value)
    v = float(value)
    if v != v:  # a value the row does not have (a run that never entered its band)
        return "—"
    if v in (float("inf"), float("-inf")):
        return plain(v)
    if v != 0 and (abs(v) < 1e-4 or abs(v) >= 1e15):
        return power_of_ten(v, min(digits, 3))
    return num(v + 0.0, digits)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def apart(value: float, other: float, digits: int = 4) -> str:
    """`value` as `num` prints it, with more digits where `digits` would print it as `other` although they differ
    (19.996 beside 20 is "19.996", not "20")."""
    for d in range(digits, 13):
        if float(value) == float(other) or num(value, d) != num(other, d):
            return num(value, d)
    return num(value, 12)


def power_of_ten(value: float, digits: int = 2) -> str:
    """A tiny or huge number in a fold, as a reader writes it: 2.5 × 10⁻¹³ (never e-notation)."""
    mantissa, exponent = f"{float(value):.{digits - 1}e}".split("e")
    sign = MINUS if mantissa.startswith("-") else ""
    power = f"10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    return f"{sign}{power}" if mantissa.lstrip("-") == "1" else f"{sign}{mantissa.lstrip('-')} × {power}"


def count(n: int, noun: str) -> str:
    """n and its noun, singular for one: "1 update", "3 updates" (`noun` is the plural, ending in s)."""
    return f"{n:,} {noun[:-1] if n == 1 else noun}"


_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def capital(text: str) -> str:
    """The text with its first letter upper-case: a sentence that opens with a name ("plain descent ...")."""
    return text[:1].upper() + text[1:]


def listing(items) -> str:
    """ "a", "a and b", "a, b and c": names as a sentence lists them."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def number_word(n: int) -> str:
    """A small count in words ("five"), larger ones in digits."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"


def times(far: float, near: float) -> str:
    """How many times `far` is `near`, as a reader would work it out from the two numbers printed beside it (3
    significant digits each), to 2 significant digits: 0.0148 against 0.00452 is "3.3" times."""
    shown = (float(f"{float(v):.3g}") for v in (far, near))
    return plain(next(shown) / next(shown), 2)


def percent(share: float) -> str:
    """A share as a percentage to 2 significant digits, never a rounded 0.0% ("0.03%", "1.8%", "47%")."""
    return f"{plain(100 * float(share), 2)}%"


def plain(value: float, digits: int = 3, rounding: float = 0.0) -> str:
    """A number as a takeaway prints it: `digits` significant digits (a whole number keeps all its digits),
    thousands separated, never e-notation,
    and the minus sign −; |value| <= `rounding` is "0 (to rounding)" ("0" for an exact 0 when `rounding` is 0)."""
    value = float(value)
    if value != value:
        return "not a number"
    if value in (float("inf"), float("-inf")):
        return "infinite" if value > 0 else f"{MINUS}infinite"
    if abs(value) <= rounding and rounding > 0:
        return "0 (to rounding)"
    if value == 0:
        return "0"
    decimals = digits - 1 - math.floor(math.log10(abs(value)))
    if abs(round(value, decimals)) >= 10 ** (digits - decimals):  # 99.96 rounds up to 100: one digit fewer
        decimals -= 1
    # past `digits` digits the whole number stays: 1,635 is not "1,640", which reads as a different number
    text = f"{abs(round(value, max(decimals, 0))):,.{max(decimals, 0)}f}"
    return (MINUS if value < 0 else "") + text
