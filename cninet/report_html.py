"""Small static SVG charts for the HTML quality report (no scripts, no external files)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, PAD = 160, 40, 4


def points(values: Sequence[float]) -> list[tuple[float, float]]:
    """Chart coordinates: periods evenly across, values scaled between their extremes."""
    low, high = min(values), max(values)
    span = high - low or 1.0
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    return [
        (PAD + i * step, HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD))
        for i, value in enumerate(values)
    ]


def shown(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def sparkline(history: Sequence[tuple[str, float]]) -> Markup:
    """An inline SVG line of a series' values by period, the last point marked; each point
    titled with its period and value. Empty for fewer than two periods."""
    if len(history) < 2:
        return Markup("")
    xy = points([value for _, value in history])
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{2.5 if i == len(xy) - 1 else 1.5}">'
        f"<title>{escape(period)}: {shown(value)}</title></circle>"
        for i, ((x, y), (period, value)) in enumerate(zip(xy, history, strict=True))
    )
    label = escape(f"{history[0][0]} to {history[-1][0]}")
    return Markup(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{label}">'
        f'<polyline fill="none" stroke="#2b6cb0" stroke-width="1.5" points="{line}"/>'
        f'<g fill="#2b6cb0">{dots}</g></svg>'
    )
