"""Numbers as a reader expects them: euros with cents, percentages with one decimal."""

from __future__ import annotations

import math


def money(value: float | None) -> str:
    """1234567.891 -> '€1,234,567.89'; negative amounts keep their sign; None -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "-" if value < 0 else ""
    return f"{sign}€{abs(value):,.2f}"


def percent(ratio: float | None, decimals: int = 1) -> str:
    """0.3312 -> '33.1%'; None (an empty denominator) -> '–'."""
    if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
        return "–"
    return f"{ratio * 100:.{decimals}f}%"


def points(value: float | None) -> str:
    """An NPS in points: 23.456 -> '+23.5'; None -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:+.1f}"


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, None for an empty denominator (never zero)."""
    if not denominator:
        return None
    return numerator / denominator
