"""The review as a report people read in a browser: one self-contained, offline HTML page.

:func:`render_report` lays the review out the way a reviewer hands it on:

- a header saying what was reviewed and when (corpus, snapshot date, where the
  records came from, litreview version);
- a compact verdict table (claim, verdict, certainty as ⊕ symbols and words,
  basis, studies and participants) that fits a 1400 px window, colour-coded
  with a legend whose symbols and words carry the meaning without colour, and
  sortable and filterable by a small inline script;
- one section per claim: the statement, the articles and quotes that make it,
  the Summary-of-Findings line with its numbered footnotes, and the studies as
  a short table linking PubMed or the DOI and the reference list, curated
  summaries labelled as such;
- the figures with captions, a references list and a note on the method.

The page is a Jinja2 template (autoescaped) with its stylesheet and script
inlined; the Content-Security-Policy allows no network at all and only the
inline script whose SHA-256 it names. It is responsive (usable at 420 px, wide
tables scroll inside their own box) and prints cleanly. The same input gives
the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyphen
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

if TYPE_CHECKING:
    from ..synthesis.sof import SofTable
from matplotlib.figure import Figure

from ..corpus.claims import Claim
from ..corpus.records import Article
from ..synthesis.grade import CERTAINTY_LEVELS, DOMAIN_LABELS, VERDICT_CODES, VERDICT_WORDS, ClaimVerdict
from ..synthesis.summary import numbered_domains, studies_cell
from .bibliography import CURATED_LABEL, UNRESOLVED
from .export import _reference_line, png_bytes
from .spreadsheet import _doi_url, _key_url

__all__ = ["FIGURE_CAPTIONS", "VERDICT_LEGEND", "ReportContext", "render_report", "sof_table_html"]

#: Symbol and meaning of each verdict code: the symbol and the words carry the legend, colour only repeats it.
VERDICT_LEGEND = {
    "supported": ("✔", "the weighed body of evidence supports the claim"),
    "partly_supported": ("◐", "mostly supports it, with caveats, or one part of a bundled claim falls short"),
    "contested": ("⇄", "studies of comparable weight disagree"),
    "not_supported": ("○", "studies found no effect"),
    "contradicted": ("✘", "studies found the opposite effect"),
    "insufficient": ("?", "studies inform the claim but none tests it well enough"),
    "no_evidence": ("∅", "no study in the snapshot is about the claim"),
    "true": ("✔", "checkable fact: the cited sources confirm it"),
    "partly_true": ("◐", "checkable fact: partly right, the reason says what is not"),
    "false": ("✘", "checkable fact: the cited sources refute it"),
}
FIGURE_CAPTIONS = {
    "evidence_map": "Evidence map. One row per claim, one column per study design; a marker's size and number "
                    "count the studies, its colour is the direction most of them point (legend at the right).",
    "prisma_flow": "Screening flow in the style of PRISMA 2020, over unique records: identified from databases "
                   "(PubMed) and from other sources (the curated register), duplicates removed, records screened "
                   "by title and abstract, reports assessed in full text, each stage's exclusions with reasons "
                   "and its records still disputed by reviewers (kept visible, not dropped), and included.",
    "timeline": "Publication years of the included records, one row per mechanism.",
}
# The study-table columns that a claim section shows (see _studies).
_STUDY_COLUMNS = ["key", "label", "design", "population", "n_counted", "direction", "direction_sentence", "role",
                  "vote_note", "needs_reviewer", "judged_by", "rob", "indirectness", "votes", "weight"]
_DIRECTION_WORDS = {"supports": "supports", "contradicts": "opposite", "no_effect": "no effect", "mixed": "mixed",
                    "unclear": "unclear", "context": "context"}


@dataclass(frozen=True)
class ReportContext:
    """What was reviewed and when, for the report's header.

    Attributes
    ----------
    corpus : str
        Name of the corpus directory.
    snapshot_date : str
        Latest date a record entered the snapshot (``YYYY-MM-DD``).
    provenance : str
        Where the records came from, in one sentence.
    version : str
        litreview version that built the report.
    protocol : tuple of (str, str)
        The protocol's ``(heading, text)`` lines for the Method section
        (:meth:`~litreview.corpus.protocol.Protocol.lines`); empty: none stated.
    title : str
        The review's title (``litreview.toml``), shown after "Evidence review:".
    article_titles : mapping of str to str
        Registered article id -> how to name it (its title); others show their file name.
    """

    corpus: str
    snapshot_date: str
    provenance: str
    version: str
    protocol: tuple[tuple[str, str], ...] = ()
    title: str = "claims checked against the literature"
    article_titles: Mapping[str, str] = field(default_factory=dict)


#: Relative widths of the GRADEpro table's columns (the plain-language verdict gets the most room).
_SOF_WIDTHS = {"Outcome": 12, "Measure and time point": 11, "№ of participants (studies)": 10,
               "Relative effect (95% CI)": 9, "Absolute effect (95% CI)": 11,
               "Certainty of the evidence (GRADE)": 9, "Importance": 9, "What happens": 19, "Robustness": 10}


def _breakable(text: object, hyphenate: bool = False) -> Markup:
    """Escaped text that may wrap after each underscore, and after ``/`` or ``.`` inside a long word (a DOI).

    With ``hyphenate``, long words also get soft hyphens (pyphen's English patterns). Both survive where CSS
    does not: JupyterLab's sanitizer drops ``overflow-wrap`` and ``hyphens`` from notebook outputs.
    """
    escaped = str(escape(str(text))).replace("_", "_<wbr>")
    if hyphenate:
        escaped = re.sub(r"[A-Za-z]{10,}", lambda word: _hyphenator().inserted(word.group(0), hyphen="\u00ad"),
                         escaped)
    return Markup(re.sub(r"\S{16,}", lambda word: re.sub(r"(?<=[/.])(?=\w)", "<wbr>", word.group(0)), escaped))


@cache
def _hyphenator() -> pyphen.Pyphen:
    """English hyphenation patterns, loaded once."""
    return pyphen.Pyphen(lang="en_US")


def _environment() -> Environment:
    """The Jinja2 environment: package templates, autoescaping, strict undefined names."""
    env = Environment(
        loader=PackageLoader("litreview.outputs", "templates"), autoescape=select_autoescape(("html", "j2")),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["breakable"] = _breakable
    return env


def _asset(name: str) -> str:
    """A stylesheet or script shipped in ``litreview/templates``."""
    return resources.files("litreview.outputs").joinpath("templates", name).read_text(encoding="utf-8")


def _png_uri(figure: Figure | bytes) -> str:
    """A figure as a ``data:`` URI."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(figure)).decode("ascii")


def _link(key: str, doi: str | None = None) -> str:
    """PubMed for a PMID key, doi.org for a ``doi:`` key or the DOI given; "" when neither."""
    return _key_url(key) or _doi_url(doi) or ""


def _anchor(key: str) -> str:
    """A safe id for a record key."""
    return "ref-" + "".join(c if c.isalnum() or c in "-_." else "-" for c in key)


def _sof_view(table: SofTable, notebook: bool) -> dict[str, Any]:
    """What ``sof_table.html.j2`` shows of one table; a notebook's also lists the footnotes and hyphenates.

    The report gives each claim's footnotes in its own section and styles with CSS, so it needs neither.
    """
    shown = [c for c in table.frame.columns if c != "Footnotes"]
    total = sum(_SOF_WIDTHS.get(c, 10) for c in shown)
    rows = table.frame.to_dict("records")
    notes = [(r["Outcome"], r["Footnotes"]) for r in rows if notebook and r["Footnotes"]]
    return {"id": f"sof-{table.title.split()[0].lower()}", "title": table.title, "pico": table.pico,
            "columns": [(c, round(100 * _SOF_WIDTHS.get(c, 10) / total, 1)) for c in shown],
            "rows": rows, "footnotes": notes, "legend": table.legend, "hyphenate": notebook}


def sof_table_html(table: SofTable) -> str:
    """One Summary-of-Findings table as an HTML fragment for a notebook, footnotes under it.

    The columns have fixed shares of the width and their text wraps, so the
    certainty and "what happens" columns show without scrolling sideways
    (JupyterLab at 1400 px is tested). Styles are inline: JupyterLab drops
    ``<style>`` elements from notebooks it does not trust.

    Parameters
    ----------
    table : SofTable
        One of :attr:`litreview.workbench.pipeline.Review.sof_tables`.

    Returns
    -------
    str
        The fragment the report shows for the same table, plus its footnotes.
    """
    return _environment().get_template("sof_table.html.j2").render(t=_sof_view(table, notebook=True))


def _domains(verdict: ClaimVerdict) -> list[dict[str, Any]]:
    """Each domain's label, judgement, change and footnote number, for the template."""
    return [{"label": DOMAIN_LABELS[d.name], "judgement": d.judgement, "change": d.change, "note": note}
            for d, note in numbered_domains(verdict)]


def _studies(claim_id: str, studies: pd.DataFrame, records: Mapping[str, Article],
             represented: Mapping[str, str]) -> list[dict[str, Any]]:
    """The claim's studies, heaviest voting studies first, as rows for the template.

    ``represented`` maps a study's key to the label of the review that stands for it.
    """
    # only the columns shown: to_dict of all ~80 columns per claim cost about 0.08 s CPU of the shipped report
    rows = studies.loc[studies["claim_id"] == claim_id, _STUDY_COLUMNS].sort_values(
        ["votes", "weight", "key"], ascending=[False, False, True])
    out = []
    for row in rows.to_dict("records"):
        article = records.get(row["key"])
        role = {"decides": "decides", "shown only": row["vote_note"] if row["vote_note"] != "vote" else
                "other stream (shown only)"}.get(row["role"], f"represented by {represented.get(row['key'], '')}")
        if row["needs_reviewer"]:
            role += " (needs a reviewer)"
        curated = row["judged_by"] == "curator" and article is not None and article.source == "curated"
        out.append({
            "label": row["label"], "anchor": _anchor(row["key"]),
            "url": _link(row["key"], article.doi if article else None),
            "id": f"PMID {row['key']}" if row["key"].isdigit() else UNRESOLVED,
            "design": str(row["design"]).replace("_", " "),
            "population": str(row["population"]).replace("_", " ") if pd.notna(row["population"]) else "not recorded",
            "n": "not stated" if pd.isna(row["n_counted"]) else f"{int(row['n_counted']):,}",
            "direction": _DIRECTION_WORDS.get(row["direction"], row["direction"]),
            "direction_code": row["direction"],
            "role": role,
            "concerns": "; ".join(filter(None, (row["rob"], row["indirectness"]))),
            "weight": f"{row['weight']:.1f}" if row["votes"] else "—",
            "finding": row["direction_sentence"] or "",
            "finding_label": CURATED_LABEL if curated else f"deciding sentence ({row['judged_by']})",
        })
    return out


def _claim_view(claim: Claim, verdict: ClaimVerdict, studies: pd.DataFrame,
                records: Mapping[str, Article]) -> dict[str, Any]:
    """Everything one claim section shows."""
    labels = dict(zip(studies["key"], studies["label"]))
    represented = {k: labels.get(v, v) for k, v in verdict.represented.items()}
    return {
        "id": claim.id, "statement": claim.statement, "kind": claim.kind.replace("_", " "),
        "mechanism": claim.mechanism, "sources": claim.sources, "note": verdict.source_disagreement,
        "verdict": verdict, "symbol": VERDICT_LEGEND[verdict.verdict_code][0],
        "certainty_symbols": verdict.symbols, "participants": studies_cell(verdict), "domains": _domains(verdict),
        "studies": _studies(claim.id, studies, records, represented),
        "represented": represented,
        "fact_links": [{"label": s if s.startswith("https://") or s not in labels else f"{labels[s]} ({s})",
                        "url": s if s.startswith("https://") else _link(s),
                        "anchor": "" if s.startswith("https://") else _anchor(s)} for s in verdict.fact_sources],
    }


def _verdict_row(claim: Claim, verdict: ClaimVerdict) -> dict[str, Any]:
    """One row of the verdict table, with sort keys."""
    return {
        "id": claim.id, "statement": claim.statement, "code": verdict.verdict_code,
        "word": VERDICT_WORDS[verdict.verdict_code], "symbol": VERDICT_LEGEND[verdict.verdict_code][0],
        "order": VERDICT_CODES.index(verdict.verdict_code),
        "certainty": verdict.certainty, "symbols": verdict.symbols,
        "certainty_order": CERTAINTY_LEVELS.index(verdict.certainty) if verdict.certainty else -1,
        "basis": verdict.basis or "—", "participants": studies_cell(verdict),
        "sort_n": verdict.n_participants if verdict.n_participants is not None else -1,
    }


def render_report(
    *,
    claims: Sequence[Claim],
    verdicts: Sequence[ClaimVerdict],
    studies: pd.DataFrame,
    cited: Sequence[Article],
    context: ReportContext,
    figures: Mapping[str, Figure | bytes] | None = None,
    comparison: pd.DataFrame | None = None,
    sof_tables: Sequence[SofTable] = (),
) -> bytes:
    """Render the review as one self-contained HTML page.

    Parameters
    ----------
    claims : sequence of Claim
        The claims, in register order (their sources and quotes are shown).
    verdicts : sequence of ClaimVerdict
        One per claim, same order.
    studies : pandas.DataFrame
        The appraised assessments (``Review.studies``).
    cited : sequence of Article
        The reference list.
    context : ReportContext
        What was reviewed and when.
    figures : mapping of str to Figure or PNG bytes, optional
        Embedded as ``data:`` URIs, captioned from :data:`FIGURE_CAPTIONS`.
    comparison : pandas.DataFrame, optional
        For a machine-only review, the curated vs machine table per claim
        (:func:`~litreview.workbench.machine.compare_reviews`), shown after the verdicts.
    sof_tables : sequence of SofTable
        GRADEpro-style Summary-of-Findings tables (:func:`litreview.synthesis.sof.sof_tables`),
        shown first with their PICO headers and the GRADE legend.

    Returns
    -------
    bytes
        UTF-8 HTML.
    """
    records = {a.key: a for a in cited}
    by_claim = {v.claim_id: v for v in verdicts}
    script = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    present = [c for c in claims if c.id in by_claim]
    page = _environment().get_template("review.html.j2").render(
        context=context,
        css=_asset("report.css"),
        script=script,
        csp=f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-{digest}'",
        legend=[(code, VERDICT_WORDS[code], *VERDICT_LEGEND[code]) for code in VERDICT_CODES],
        rows=[_verdict_row(c, by_claim[c.id]) for c in present],
        sof_tables=[_sof_view(t, notebook=False) for t in sof_tables],
        sections=[_claim_view(c, by_claim[c.id], studies, records) for c in present],
        figures=[{"id": f"figure-{name.replace('_', '-')}", "number": i,
                  "caption": FIGURE_CAPTIONS.get(name, name.replace("_", " ").capitalize() + "."),
                  "uri": _png_uri(fig)} for i, (name, fig) in enumerate((figures or {}).items(), start=1)],
        references=[{"anchor": _anchor(a.key), "text": _reference_line(a), "url": _link(a.key, a.doi),
                     "id": f"PMID {a.pmid}" if a.pmid else f"{UNRESOLVED} (doi:{a.doi})",
                     "doi": a.doi if a.pmid else None,
                     "summary": a.curated_summary if a.source == "curated" else None,
                     "abstract": a.abstract if a.source != "curated" else None} for a in cited],
        curated_label=CURATED_LABEL,
        comparison=None if comparison is None else comparison.fillna("").to_dict("records"),
        counts={"claims": len(present), "studies": len(studies), "records": len(cited),
                "articles": len({a for c in claims for a in c.articles})},
    )
    return page.encode("utf-8")
