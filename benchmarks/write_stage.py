"""Benchmark: the write stage of ``litreview run`` on the shipped review, and the Excel workbook within it.

The review is built once (not timed); then, ``--repeat`` times each, CPU time
(``time.process_time``) and wall time of:

* ``workbook``: ``_render_xlsx`` of the sheets ``litreview run`` writes;
* ``figures``: drawing and PNG-encoding the three figures (``review_figures`` + ``png_bytes``);
* ``report``: the HTML report page without figures (``render_report``);
* ``write``: ``write_review(review, DIR)``, every export and figure.

Run: ``python benchmarks/write_stage.py [--corpus corpus] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable

import litreview as lr
from litreview.outputs.export import _sof_sheets, png_bytes
from litreview.outputs.report import render_report
from litreview.outputs.spreadsheet import _render_xlsx
from litreview.workbench.pipeline import report_context, review_figures


def timed(label: str, work: Callable[[], object], repeat: int) -> None:
    """Print the CPU and wall seconds of each of ``repeat`` calls of ``work``."""
    cpu, wall = [], []
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        work()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    print(f"{label:9s} cpu {' '.join(f'{s:.2f}' for s in cpu)} s   wall {' '.join(f'{s:.2f}' for s in wall)} s")


def main() -> None:
    """Build the review, then time the workbook, the figures, the report and the whole write stage."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="corpus")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    review = lr.build_review(args.corpus)
    sheets = {**_sof_sheets(review.sof_tables), "summary of findings": review.sof, "review": review.table,
              "studies": review.studies, "screening": review.screening.log, "provenance": review.provenance}
    cells = sum(f.size + f.shape[1] for f in sheets.values())
    print(f"{len(sheets)} sheets, about {cells} cells")
    timed("workbook", lambda: _render_xlsx(sheets), args.repeat)
    timed("figures", lambda: [png_bytes(f, dpi=110) for f in review_figures(review).values()], args.repeat)
    timed("report", lambda: render_report(claims=review.claims, verdicts=review.verdicts, studies=review.studies,
                                          cited=review.cited, context=report_context(review), figures={},
                                          comparison=review.comparison, sof_tables=review.sof_tables), args.repeat)
    with tempfile.TemporaryDirectory() as out:
        timed("write", lambda: lr.write_review(review, out), args.repeat)


if __name__ == "__main__":
    main()
