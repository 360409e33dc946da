"""Charts of the HTML report with matplotlib (Agg backend), labelled in Chinese with a CJK font
found through matplotlib's font manager, as SVG with text as paths (the picture needs no font
to display). The PDF draws the same charts itself (drawn_charts.py), at the sizes given here
(figure_size). matplotlib takes about half a second to import: only this module imports it,
and only when a report is rendered to HTML.

The figures plotted are the report's Decimals, converted to float only here, for drawing.
"""

from __future__ import annotations

import io
from functools import lru_cache

from ..archive.errors import DossierError
from .labels import label
from .model import Chart

CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC")
FONT_PACKAGE = "fonts-noto-cjk"
CLASS_COLOURS = {"A": "#1f4e79", "B": "#5b9bd5", "C": "#bdd7ee"}
BAR_COLOUR = "#2e75b6"
AGEING_COLOURS = ("#a9d18e", "#ffd966", "#f4b183", "#e06666", "#990000")
MAX_GROUPS = 12  # bars in a composition chart; the rest are drawn as one bar "others" (the tables list all)
MAX_NAMED_BARS = 40  # Pareto bars labelled with the customer id


@lru_cache(maxsize=1)
def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import font_manager, pyplot

    available = {f.name for f in font_manager.fontManager.ttflist}
    families = [name for name in CJK_FAMILIES if name in available]
    if not families:
        raise DossierError("report-no-cjk-font", package=FONT_PACKAGE)
    matplotlib.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": families + ["DejaVu Sans"],
        "axes.unicode_minus": False,
        "svg.fonttype": "path",
        "svg.hashsalt": "dossier",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })
    return pyplot


def figure_size(chart: Chart) -> tuple[float, float]:
    """The chart's width and height in inches: those of its picture, known before it is drawn
    (render_pdf.py lays out the report meanwhile)."""
    if chart.kind == "pareto":
        return 9.5, 3.0
    panels = chart.data["panels"]
    if chart.kind == "ageing":
        return min(4.2 * len(panels), 9.5), 2.8
    return min(4.6 * len(panels), 9.5), 0.9 + 0.28 * max(_slots(panels), 3)


def _slots(panels: list[dict]) -> int:
    """Bars in the tallest panel of a composition chart."""
    return max(min(len(p["labels"]), MAX_GROUPS + 1) for p in panels)


def render_svg(chart: Chart) -> str:
    plt = _pyplot()
    draw = {"pareto": _pareto, "ageing": _ageing, "bars": _bars}[chart.kind]
    figure = draw(plt, chart)
    figure.tight_layout(pad=0.3)  # labels, legend and title inside the picture, whose size stays figure_size's
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    return buffer.getvalue().decode("utf-8")


def _pareto(plt, chart: Chart):
    data = chart.data
    values = [float(v) for v in data["values"]]
    total = sum(v for v in values if v > 0) or 1.0
    cumulative, running = [], 0.0
    for v in values:
        running += max(v, 0.0)
        cumulative.append(running / total * 100)
    named = len(values) <= MAX_NAMED_BARS
    figure, axis = plt.subplots(figsize=figure_size(chart))
    positions = list(range(len(values)))
    if named:
        axis.bar(positions, values, color=[CLASS_COLOURS[c] for c in data["classes"]], width=0.8)
    else:  # hundreds of customers: one filled outline per class (classes follow the ranking) draws fast
        for cls in ("A", "B", "C"):
            index = [i for i, c in enumerate(data["classes"]) if c == cls]
            if index:
                first, last = index[0], index[-1] + 1
                axis.stairs(values[first:last], [i - 0.5 for i in range(first, last + 1)], fill=True,
                            color=CLASS_COLOURS[cls], baseline=0)
    axis.set_xlim(-0.6, max(len(values), 8) - 0.4)  # a lone customer is not drawn as one wide block
    axis.set_ylabel(data["currency"])
    axis.yaxis.set_major_formatter(_thousands())
    if named:
        axis.set_xticks(positions, data["labels"], rotation=60 if len(values) > 12 else 0, fontsize=7)
    else:
        axis.set_xticks([])
        axis.set_xlabel(label("pareto-x", data["lang"]))
    line_axis = axis.twinx()
    line_axis.plot(positions, cumulative, color="#c00000", marker="o" if named else None, markersize=3,
                   linewidth=1.2)
    line_axis.set_ylim(0, 105)
    line_axis.set_ylabel("%")
    line_axis.spines["right"].set_visible(True)
    line_axis.spines["top"].set_visible(False)
    line_axis.set_yticks([0, 20, 40, 60, 80, 95], ["0", "20", "40", "60", "80", "95"])
    for level in (80, 95):
        line_axis.axhline(level, color="#7f7f7f", linestyle="--", linewidth=0.8)
    handles = [plt.Rectangle((0, 0), 1, 1, color=CLASS_COLOURS[c]) for c in ("A", "B", "C")]
    axis.legend(handles, ["A", "B", "C"], loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3, frameon=False,
                fontsize=8)
    axis.set_title(chart.title, fontsize=10, loc="left")
    return figure


def _ageing(plt, chart: Chart):
    panels = chart.data["panels"]
    figure, axes = plt.subplots(1, len(panels), figsize=figure_size(chart), squeeze=False)
    for axis, panel in zip(axes[0], panels):
        values = [float(v) for v in panel["values"]]
        bars = axis.bar(range(len(values)), values, color=AGEING_COLOURS[: len(values)], width=0.6)
        axis.set_xticks(range(len(values)), panel["labels"], fontsize=7)
        axis.set_ylabel(panel["currency"])
        axis.yaxis.set_major_formatter(_thousands())
        for bar, value in zip(bars, panel["values"]):
            if value:
                axis.annotate(f"{value:,.0f}", (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center",
                              va="bottom", fontsize=6.5, xytext=(0, 2), textcoords="offset points")
        axis.margins(y=0.15)
        axis.set_title(panel["title"], fontsize=9)
    return figure


def _bars(plt, chart: Chart):
    from matplotlib.ticker import MaxNLocator

    panels = chart.data["panels"]
    lang = chart.data["lang"]
    slots = _slots(panels)
    figure, axes = plt.subplots(1, len(panels), figsize=figure_size(chart), squeeze=False)
    for axis, panel in zip(axes[0], panels):
        labels, values, shares = grouped_panel(panel, lang)
        positions = [slots - 1 - i for i in range(len(labels))]  # the largest on top, bars equally thick
        axis.barh(positions, [float(v) for v in values], color=BAR_COLOUR, height=0.6)
        axis.set_ylim(-0.6, max(slots, 3) - 0.4)
        axis.set_yticks(positions, [short(text) for text in labels], fontsize=8)
        axis.xaxis.set_major_locator(MaxNLocator(3))
        axis.xaxis.set_major_formatter(_thousands())
        axis.tick_params(axis="x", labelsize=7)
        axis.set_xlabel(panel["currency"])
        for position, value, share in zip(positions, values, shares):
            text = f"{share * 100:.1f}%" if share is not None else ""
            axis.annotate(text, (float(value), position), va="center", fontsize=7, xytext=(3, 0),
                          textcoords="offset points")
        axis.margins(x=0.22)
        axis.set_title(f"{chart.title} · {panel['currency']}", fontsize=9)
    return figure


def grouped_panel(panel: dict, lang: str) -> tuple[list, list, list]:
    """A composition panel's labels, values and shares as drawn: the first MAX_GROUPS groups,
    the others as one bar."""
    labels, values, shares = list(panel["labels"]), list(panel["values"]), list(panel["shares"])
    if len(labels) > MAX_GROUPS + 1:
        rest = sum(values[MAX_GROUPS:])
        rest_share = sum(s for s in shares[MAX_GROUPS:] if s is not None)
        labels = labels[:MAX_GROUPS] + [label("others", lang)]
        values = values[:MAX_GROUPS] + [rest]
        shares = shares[:MAX_GROUPS] + [rest_share]
    return labels, values, shares


def short(text: str, limit: int = 14) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _thousands():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _: f"{value:,.0f}")
