"""The charts of a report's PDF, drawn here as PDF operators, like its tables (drawn_tables.py).

matplotlib took 0.5 s to import and 0.1-0.2 s a chart, in a process of its own, for a few
bars, lines and labels; here a chart is some hundred operators, its text in the glyph sheet's
fonts (glyphs.py: `characters` says what it needs). The HTML report keeps matplotlib's SVG
(charts.py); the two draw the same things at the same size (charts.figure_size): the Pareto
chart (bars by ABC class, cumulative share on a right-hand axis, the 80 % and 95 % lines),
the ageing chart (a panel of bucket bars per currency) and the composition bars (a panel per
currency, the largest groups on top, the rest as one bar).

Coordinates are points, y up, from the chart's bottom-left corner; `draw` places and scales it.
"""

from __future__ import annotations

import math

from .charts import AGEING_COLOURS, BAR_COLOUR, CLASS_COLOURS, MAX_NAMED_BARS, figure_size, grouped_panel, short
from .glyphs import Glyphs
from .labels import label
from .model import Chart

TEXT, AXIS, GUIDE, LINE = "#111111", "#333333", "#7f7f7f", "#c00000"
TITLE, SMALL, TICK = 10.0, 9.0, 7.5  # font sizes, points
PAD = 4.0


def characters(chart: Chart) -> set[str]:
    """Every character the chart may show, for the glyph sheet."""
    texts = [chart.title, "0123456789,.-%…ABC", label("others", chart.data["lang"]),
             label("pareto-x", chart.data["lang"])]
    if chart.kind == "pareto":
        texts += [chart.data["currency"], *chart.data["labels"]]
    for panel in chart.data.get("panels", []):
        texts += [panel["currency"], panel.get("title", ""), *map(str, panel["labels"])]
    return set("".join(texts))


def draw(chart: Chart, glyphs: Glyphs, fonts: dict[str, str], left: float, top: float, scale: float) -> str:
    """PDF operators drawing `chart` with its top-left corner at (left, top), shrunk by `scale`."""
    width, height = (inches * 72 for inches in figure_size(chart))
    pen = _Pen(glyphs, fonts)
    {"pareto": _pareto, "ageing": _ageing, "bars": _bars}[chart.kind](pen, chart, width, height)
    return f"q {scale:.5f} 0 0 {scale:.5f} {left:.2f} {top - height * scale:.2f} cm\n" + "\n".join(pen.ops) + "\nQ"


class _Pen:
    """Collects the operators of a chart: shapes in colours, text in the glyph sheet's fonts."""

    def __init__(self, glyphs: Glyphs, fonts: dict[str, str]):
        self.glyphs, self.fonts, self.ops = glyphs, fonts, []

    def width(self, text: str, size: float) -> float:
        return self.glyphs.width(text, False) * size

    def rects(self, colour: str, rects: list[tuple[float, float, float, float]]) -> None:
        if rects:
            self.ops.append(f"{_rgb(colour)} rg " + " ".join(f"{x:.2f} {y:.2f} {w:.2f} {h:.2f} re" for x, y, w, h in rects)
                            + " f")

    def line(self, colour: str, points: list[tuple[float, float]], width: float = 0.8, dash: str = "") -> None:
        path = " ".join(f"{x:.2f} {y:.2f} {'m' if i == 0 else 'l'}" for i, (x, y) in enumerate(points))
        self.ops.append(f"q {_rgb(colour)} RG {width:g} w [{dash}] 0 d 1 j {path} S Q")

    def text(self, text: str, x: float, y: float, size: float, anchor: str = "left", angle: float = 0.0,
             colour: str = TEXT) -> None:
        """`text` on its baseline at (x, y), `anchor` its left, centre or right end; turned by
        `angle` degrees (anticlockwise) about that point."""
        if not text or not self.glyphs.covers(text, False):
            return
        shift = {"left": 0.0, "center": 0.5, "right": 1.0}[anchor] * self.width(text, size)
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        x0, y0 = x - shift * cos, y - shift * sin
        runs = " ".join(f"/{self.fonts[font]} {size:g} Tf <{codes}> Tj" for font, codes in self.glyphs.runs(text, False))
        self.ops.append(f"BT {_rgb(colour)} rg {cos:.4f} {sin:.4f} {-sin:.4f} {cos:.4f} {x0:.2f} {y0:.2f} Tm {runs} ET")


class _Axis:
    """A linear scale from data values to points."""

    def __init__(self, low: float, high: float, start: float, end: float):
        self.low, self.high, self.start, self.end = low, high if high > low else low + 1, start, end

    def __call__(self, value: float) -> float:
        return self.start + (value - self.low) / (self.high - self.low) * (self.end - self.start)


def _ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round values from `low` to `high` (1, 2, 2.5 or 5 times a power of ten apart), at most `most`."""
    span = (high - low) or abs(high) or 1.0
    magnitude = 10 ** math.floor(math.log10(span / most))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10, 20) if span / (m * magnitude) <= most)
    first = math.ceil(low / step - 1e-9)
    return [k * step for k in range(first, math.floor(high / step + 1e-9) + 1)]


def _thousands(value: float) -> str:
    return f"{value:,.0f}"


def _value_axis(pen: _Pen, values: list[float], start: float, end: float, margin: float, at: float,
                vertical: bool = True, most: int = 6) -> _Axis:
    """The axis of the values (0 included, `margin` more room beyond the largest), drawn with its
    ticks and labels at `at` (the x of a vertical axis, the y of a horizontal one)."""
    low, high = min(0.0, *values), max(0.0, *values)
    high, low = high + (high - low) * margin, low - (high - low) * margin if low < 0 else low
    axis = _Axis(low, high, start, end)
    for tick in _ticks(low, high, most):
        where = axis(tick)
        if vertical:
            pen.line(AXIS, [(at - 2.5, where), (at, where)], 0.6)
            pen.text(_thousands(tick), at - 3.5, where - TICK * 0.35, TICK, "right")
        else:
            pen.line(AXIS, [(where, at - 2.5), (where, at)], 0.6)
            pen.text(_thousands(tick), where, at - 3.5 - TICK * 0.8, TICK, "center")
    pen.line(AXIS, [(at, start), (at, end)] if vertical else [(start, at), (end, at)], 0.8)
    return axis


def _label_room(pen: _Pen, values: list[float], size: float = TICK) -> float:
    """The width of the longest tick label of an axis of `values`."""
    low, high = min(0.0, *values), max(0.0, *values) * 1.25
    return max(pen.width(_thousands(t), size) for t in _ticks(low, high) or [0.0])


def _pareto(pen: _Pen, chart: Chart, width: float, height: float) -> None:
    data = chart.data
    values = [float(v) for v in data["values"]]
    named = len(values) <= MAX_NAMED_BARS
    left = PAD + SMALL + 4 + _label_room(pen, values or [0.0])
    right = width - PAD - SMALL - 6 - pen.width("100", TICK)
    bottom = PAD + (max((pen.width(t, 7) for t in data["labels"]), default=0) * 0.87 + 8 if named else SMALL + 10)
    top = height - PAD - TITLE - 6
    slots = _Axis(-0.6, max(len(values), 8) - 0.4, left, right)
    money = _value_axis(pen, values or [0.0], bottom, top, 0.05, left)
    share = _Axis(0.0, 105.0, bottom, top)
    pen.line(AXIS, [(left, bottom), (right, bottom)], 0.8)
    pen.line(AXIS, [(right, bottom), (right, top)], 0.8)
    for level in (0, 20, 40, 60, 80, 95):
        pen.line(AXIS, [(right, share(level)), (right + 2.5, share(level))], 0.6)
        pen.text(str(level), right + 3.5, share(level) - TICK * 0.35, TICK)
    for level in (80, 95):
        pen.line(GUIDE, [(left, share(level)), (right, share(level))], 0.8, "3 2")
    half = 0.4 if named else 0.5
    for cls in ("A", "B", "C"):
        pen.rects(CLASS_COLOURS[cls], [(slots(i - half), money(0.0), slots(i + half) - slots(i - half), money(v) - money(0.0))
                                       for i, (v, c) in enumerate(zip(values, data["classes"])) if c == cls])
    total = sum(v for v in values if v > 0) or 1.0
    running, points = 0.0, []
    for i, v in enumerate(values):
        running += max(v, 0.0)
        points.append((slots(i), share(running / total * 100)))
    if points:
        pen.line(LINE, points, 1.2)
    if named:
        pen.rects(LINE, [(x - 1.5, y - 1.5, 3.0, 3.0) for x, y in points])
        turned = len(values) > 12  # many names: turned, ending under their bar; few: level, centred under it
        for i, text in enumerate(data["labels"]):
            if turned:
                pen.text(text, slots(i) + 2, bottom - 4, 7, "right", 60)
            else:
                pen.text(text, slots(i), bottom - 4 - 7 * 0.8, 7, "center")  # its capitals clear the axis
    else:
        pen.text(label("pareto-x", data["lang"]), (left + right) / 2, PAD + 2, SMALL, "center")
    pen.text(data["currency"], PAD + SMALL * 0.8, (bottom + top) / 2, SMALL, "center", 90)
    pen.text("%", width - PAD, (bottom + top) / 2, SMALL, "center", 90)
    pen.text(chart.title, left, height - PAD - TITLE * 0.85, TITLE)
    x = right
    for cls in ("C", "B", "A"):  # the legend, at the top right
        x -= pen.width(cls, 8) + 2
        pen.text(cls, x, top + 4, 8)
        x -= 14
        pen.rects(CLASS_COLOURS[cls], [(x, top + 3.5, 11, 6)])
        x -= 8


def _ageing(pen: _Pen, chart: Chart, width: float, height: float) -> None:
    panels = chart.data["panels"]
    share = width / len(panels)
    for n, panel in enumerate(panels):
        values = [float(v) for v in panel["values"]]
        x0 = n * share
        left = x0 + PAD + SMALL + 4 + _label_room(pen, values)
        right, bottom, top = x0 + share - PAD, PAD + TICK + 6, height - PAD - SMALL - 6
        money = _value_axis(pen, values, bottom, top, 0.15, left)
        slots = _Axis(-0.6, len(values) - 0.4, left, right)
        pen.line(AXIS, [(left, bottom), (right, bottom)], 0.8)
        for i, (value, amount, text) in enumerate(zip(values, panel["values"], panel["labels"])):
            pen.rects(AGEING_COLOURS[i], [(slots(i - 0.3), money(0.0), slots(i + 0.3) - slots(i - 0.3),
                                           money(value) - money(0.0))])
            pen.text(str(text), slots(i), bottom - 3 - TICK * 0.8, TICK, "center")
            if amount:
                pen.text(_thousands(value), slots(i), max(money(value), money(0.0)) + 2.5, 6.5, "center")
        pen.text(panel["currency"], x0 + PAD + SMALL * 0.8, (bottom + top) / 2, SMALL, "center", 90)
        pen.text(panel["title"], (left + right) / 2, height - PAD - SMALL * 0.85, SMALL, "center")


def _bars(pen: _Pen, chart: Chart, width: float, height: float) -> None:
    panels = [grouped_panel(panel, chart.data["lang"]) for panel in chart.data["panels"]]
    slots_count = max(max(len(labels), 3) for labels, _, _ in panels)
    share = width / len(panels)
    for n, ((labels, values, shares), panel) in enumerate(zip(panels, chart.data["panels"])):
        amounts = [float(v) for v in values]
        x0 = n * share
        left = x0 + PAD + max(pen.width(short(text), 8) for text in labels) + 4
        right, bottom, top = x0 + share - PAD, PAD + SMALL + TICK + 8, height - PAD - SMALL - 6
        money = _value_axis(pen, amounts, left, right, 0.22, bottom, vertical=False, most=3)
        slots = _Axis(-0.6, slots_count - 0.4, bottom, top)
        pen.line(AXIS, [(left, bottom), (left, top)], 0.8)
        for i, (text, amount, part) in enumerate(zip(labels, amounts, shares)):
            y = slots(slots_count - 1 - i)  # the largest on top, bars equally thick
            half = (slots(0.3) - slots(-0.3)) / 2
            pen.rects(BAR_COLOUR, [(money(0.0), y - half, money(amount) - money(0.0), 2 * half)])
            pen.text(short(text), left - 3, y - 8 * 0.35, 8, "right")
            if part is not None:
                pen.text(f"{part * 100:.1f}%", max(money(amount), money(0.0)) + 3, y - 7 * 0.35, 7)
        pen.text(panel["currency"], (left + right) / 2, PAD + 1, SMALL, "center")
        pen.text(f"{chart.title} · {panel['currency']}", (left + right) / 2, height - PAD - SMALL * 0.85, SMALL,
                 "center")


def _rgb(colour: str) -> str:
    return " ".join(f"{int(colour[i:i + 2], 16) / 255:.3f}" for i in (1, 3, 5))

