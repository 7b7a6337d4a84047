"""Figures a reviewer would rather look at than read.

Built on ``matplotlib.figure.Figure`` directly (no pyplot global state), so they
render the same in a notebook, a headless CLI run and the HTML export.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch

from ..corpus.vocabulary import DESIGNS

__all__ = ["DIRECTION_COLOURS", "plot_evidence_map", "plot_prisma_flow", "plot_timeline"]

DIRECTION_COLOURS = {
    "supports": "#1b9e77",
    "contradicts": "#d95f02",
    "no_effect": "#7570b3",
    "mixed": "#e6ab02",
    "unclear": "#bdbdbd",
    "context": "#f0f0f0",
}


def _majority(directions: pd.Series) -> str:
    """Most frequent direction; ties broken by DIRECTION_COLOURS order."""
    counts = directions.value_counts()
    best = counts.max()
    return next(d for d in DIRECTION_COLOURS if counts.get(d, 0) == best)


def plot_evidence_map(studies: pd.DataFrame, claim_order: Sequence[str]) -> Figure:
    """Claims x design grid; marker size = studies, colour = majority direction.

    Parameters
    ----------
    studies : pandas.DataFrame
        Study assessments with ``claim_id, design, direction, excluded``.
    claim_order : sequence of str
        Claim ids, top to bottom (claims without studies keep an empty row).

    Returns
    -------
    matplotlib.figure.Figure
    """
    kept = studies[~studies["excluded"].astype(bool)]
    designs = [d for d in DESIGNS if d in set(kept["design"])]
    # at least four design columns wide, so the claim ids and the legend fit beside an empty or sparse map
    fig = Figure(figsize=(1.2 + 0.9 * max(len(designs), 4), 0.6 + 0.32 * max(len(claim_order), 3)))
    ax = fig.subplots()
    rows = {c: i for i, c in enumerate(claim_order)}
    for (claim, design), group in kept.groupby(["claim_id", "design"]):
        if claim not in rows:
            continue
        ax.scatter(
            designs.index(design), rows[claim], s=60 + 60 * len(group),
            color=DIRECTION_COLOURS[_majority(group["direction"])], edgecolor="black", linewidth=0.4,
        )
        ax.annotate(str(len(group)), (designs.index(design), rows[claim]), ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(designs)), [d.replace("_", " ") for d in designs], rotation=40, ha="right")
    ax.set_yticks(range(len(claim_order)), list(claim_order), fontsize=8)
    ax.set_xlim(-0.6, max(len(designs), 1) - 0.4)
    ax.set_ylim(len(claim_order) - 0.5, -0.5)
    ax.grid(True, color="#eeeeee")
    ax.set_axisbelow(True)
    handles = [Line2D([], [], marker="o", linestyle="", color=c, label=d) for d, c in DIRECTION_COLOURS.items()]
    ax.legend(handles=handles, title="majority direction", loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    ax.set_title("Evidence map: studies per claim and design")
    fig.tight_layout()
    return fig


def _box(ax: Axes, x: float, y: float, text: str, width: float = 0.42) -> None:
    """Draw one rounded box with centred text."""
    ax.add_patch(FancyBboxPatch((x - width / 2, y - 0.06), width, 0.12, boxstyle="round,pad=0.01",
                                facecolor="#f7f7f7", edgecolor="#444444"))
    ax.text(x, y, text, ha="center", va="center", fontsize=8)


def plot_prisma_flow(counts: pd.DataFrame) -> Figure:
    """PRISMA 2020 flow diagram from the ``all (unique records)`` row of the screening counts.

    Two screening stages (title/abstract, then full text), each with its
    exclusions by reason and its records still disputed by reviewers, which
    stay in the flow (every box adds up).

    Parameters
    ----------
    counts : pandas.DataFrame
        :attr:`ScreeningResult.counts`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    row = counts[counts["mechanism"].str.startswith("all")].iloc[0]

    def reasons(prefix: str) -> str:
        """``reason: n`` lines of one stage's exclusions."""
        lines = [f"{c.split(': ', 1)[1]}: {int(row[c])}" for c in counts.columns if c.startswith(prefix) and row[c]]
        return "\n".join(lines) or "none"

    fig = Figure(figsize=(7.5, 5.2))
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0.04, 1.04)
    steps = [
        (0.96, f"Identified from databases (PubMed)\nn = {row['from_databases']}"),
        (0.72, f"Records screened (title/abstract)\nn = {row['screened']}"),
        (0.44, f"Reports assessed (full text)\nn = {row['assessed']}"),
        (0.14, f"Studies included\nn = {row['included']}"),
    ]
    for y, text in steps:
        _box(ax, 0.22, y, text, width=0.4)
    for (y1, _), (y2, _) in zip(steps, steps[1:]):
        ax.annotate("", (0.22, y2 + 0.045), (0.22, y1 - 0.045), arrowprops={"arrowstyle": "->"})
    _box(ax, 0.68, 0.96, f"Identified from other sources\n(curated register) n = {row['from_other_sources']}",
         width=0.4)
    ax.annotate("", (0.34, 0.765), (0.6, 0.9), arrowprops={"arrowstyle": "->"})
    side = [(0.82, f"Duplicates removed  n = {row['duplicates']}"),
            (0.6, f"Records excluded  n = {row['excluded']}\n{reasons('excluded: ')}\n"
                  f"Disputed, kept visible  n = {row['screen_disputed']}"),
            (0.3, f"Reports excluded  n = {row['fulltext_excluded']}\n{reasons('fulltext excluded: ')}\n"
                  f"Disputed, kept visible  n = {row['fulltext_disputed']}")]
    for y, text in side:
        _box(ax, 0.79, y, text, width=0.4)
        ax.annotate("", (0.59, y), (0.22, y), arrowprops={"arrowstyle": "->"})
    ax.set_title("PRISMA 2020 flow (unique records, all mechanisms)")
    return fig


def plot_timeline(frame: pd.DataFrame) -> Figure:
    """Publication years of included records, one row per mechanism.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``mechanism`` and ``year`` (one row per included record and mechanism).

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = frame.dropna(subset=["year"])
    mechanisms = sorted(set(data["mechanism"]))
    fig = Figure(figsize=(8, 0.7 + 0.38 * max(len(mechanisms), 1)))
    ax = fig.subplots()
    for i, mech in enumerate(mechanisms):
        counts = data[data["mechanism"] == mech]["year"].astype(int).value_counts().sort_index()
        ax.scatter(counts.index, [i] * len(counts), s=25 + 35 * counts.values, alpha=0.7, color="#2c7fb8")
    ax.set_yticks(range(len(mechanisms)), mechanisms)
    ax.set_ylim(max(len(mechanisms), 1) - 0.5, -0.5)
    ax.set_xlabel("publication year (marker size = records)")
    ax.grid(True, axis="x", color="#eeeeee")
    ax.set_title("Publication timeline of included records")
    fig.tight_layout()
    return fig
