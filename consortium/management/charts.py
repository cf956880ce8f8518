"""Bar charts as geometry for the SVG templates: pure, no Flask, no database.

Why hand-written SVG rather than a charting library: the site's Content-Security-Policy
forbids inline styles and scripts; pygal puts a ``<style>`` element and tooltip scripts in its
SVG and matplotlib's SVG writes ``style`` attributes. Our charts are bars with a target line,
about sixty lines of arithmetic, styled by class names from ``management.css`` and readable in
both languages because every word in them comes from the page's own translated labels.
"""
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 40


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    text: str  # the value as the chart and its table show it ("—" for none)
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    target_y: float | None
    baseline: float
    left: int = LEFT


def nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 × 10ⁿ at or above ``value`` (at least 1), for round ticks."""
    step = 1.0
    while step * 10 <= value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if step * factor >= value:
            return max(1.0, step * factor)
    return step * 10


def intervals(top: float) -> int:
    """Axis divisions giving round ticks: quarters of 2 × 10ⁿ (0, 5, 10, 15, 20), fifths of
    1 or 5 × 10ⁿ (0, 1, 2, 3, 4, 5)."""
    return 4 if f"{top:e}".startswith("2") else 5


def fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def bar_chart(labels: Sequence[str], values: Sequence[float | None], target: float | None = None,
              width: int = WIDTH, height: int = HEIGHT) -> Chart:
    """Bars for ``values`` (None draws no bar), the axis from 0 to a round maximum above every
    value and the target, and the target as a line."""
    if len(labels) != len(values):
        raise ValueError("one label per value")
    top = nice_max(max([v for v in values if v is not None] + [target or 0, 0]))
    plot_h = height - TOP - BOTTOM
    slot = (width - LEFT - RIGHT) / max(1, len(values))
    baseline = TOP + plot_h

    def y_of(value: float) -> float:
        return round(baseline - plot_h * max(0.0, value) / top, 1)

    bars = tuple(Bar(label, value, fmt(value), round(LEFT + i * slot + slot * 0.15, 1),
                     y_of(value or 0), round(slot * 0.7, 1), round(baseline - y_of(value or 0), 1))
                 for i, (label, value) in enumerate(zip(labels, values)))
    steps = intervals(top)
    ticks = tuple(Tick(y_of(top * k / steps), fmt(top * k / steps)) for k in range(steps + 1))
    return Chart(width, height, bars, ticks, y_of(target) if target is not None else None, baseline)
