"""The reviewer's commands: ``litreview decide``, ``litreview decisions``, ``litreview screen next|simulate``.

Kept apart from :mod:`litreview.cli`, which registers them with :func:`add_commands`.
"""

from __future__ import annotations

import argparse
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from ..settings import Settings

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["add_commands", "min_confidence_option"]


def min_confidence_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--min-confidence``."""
    parser.add_argument("--min-confidence", type=float, default=None, metavar="C",
                        help="machine direction calls below this confidence (0-1) become 'unclear' for a reviewer "
                             "(default: [judge] min_confidence in the review's litreview.toml, else 0)")


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``decide``, ``decisions`` and ``screen`` (values are checked when a command runs, so
    building the parser imports nothing heavy)."""
    corpus_help = "review folder (default: $LITREVIEW_REVIEW, else ./corpus or the nearest parent's)"
    reviewer_help = "who decides (one word, at most 64 characters; default: LITREVIEW_REVIEWER, required)"
    d = sub.add_parser("decide", help="record a reviewer's decision in corpus/decisions/<reviewer>.jsonl")
    d.add_argument("key", metavar="KEY", help="record key (PMID or doi:...); at the grade stage the claim id")
    d.add_argument("--stage", choices=("screen", "fulltext", "judge", "rob", "grade"), required=True,
                   help="screen (title/abstract: include/exclude a record), fulltext (full-text screening of a "
                        "record that passed), judge (a study against a claim), rob (one risk-of-bias domain "
                        "of a study, for a claim) or grade (override one GRADE domain of a claim, or its verdict)")
    d.add_argument("--reviewer", metavar="NAME", help=reviewer_help)
    d.add_argument("--claim", metavar="ID", help="claim id (judge stage)")
    choice = d.add_mutually_exclusive_group()
    choice.add_argument("--include", dest="decision", action="store_const", const="include", help="screen: include")
    choice.add_argument("--exclude", dest="decision", action="store_const", const="exclude", help="screen: exclude")
    d.add_argument("--direction", help="judge: supports, contradicts, no_effect, mixed, unclear or context")
    d.add_argument("--design", help="judge: study design (rct, cohort, experimental, ...: see docs/scoring.md)")
    d.add_argument("--population", help="judge: human, animal, in_vitro, mixed or unknown")
    d.add_argument("--n", type=int, metavar="N", help="judge: sample size")
    d.add_argument("--domain", metavar="TOOL:DOMAIN", help="rob: e.g. rob2:randomisation, robins_i:confounding, "
                                                          "syrcle:blinding_assessors (see docs/workflow.md); grade: "
                                                          "risk_of_bias, inconsistency, indirectness, imprecision, "
                                                          "publication_bias, other or verdict")
    d.add_argument("--judgement", help="rob: low, some_concerns or high; grade: not serious, serious or very serious")
    d.add_argument("--verdict", help="grade, with --domain verdict: supported, partly_supported, contested, "
                                     "not_supported, contradicted or insufficient")
    d.add_argument("--quote", help="rob: the words of the study that support the judgement")
    d.add_argument("--reason", help="screen, fulltext: one of the stage's reasons in corpus/protocol.toml (default "
                                    "for --include: the first reason to include); judge: free text; grade: why "
                                    "(required)")
    d.add_argument("--note", help="free-text note")
    d.add_argument("--resolve", "--resolution", dest="resolution", action="store_true",
                   help="this decision settles a conflict between reviewers (give --reason or --note: why)")
    d.add_argument("--review", "--corpus", dest="corpus", type=Path, default=None, metavar="DIR", help=corpus_help)
    d.set_defaults(func=_cmd_decide)

    s = sub.add_parser("decisions", help="the decisions log: history, conflicts, agreement between reviewers")
    s.add_argument("--conflicts", action="store_true", help="list unresolved conflicts between reviewers")
    s.add_argument("--kappa", action="store_true", help="Cohen's kappa between reviewers, per stage")
    s.add_argument("--review", "--corpus", dest="corpus", type=Path, default=None, metavar="DIR", help=corpus_help)
    s.set_defaults(func=_cmd_decisions)
    tools = s.add_subparsers(dest="action", required=False, metavar="ACTION", action=type(sub))
    i = tools.add_parser("import", help="log another tool's screening labels (ASReview CSV/RIS, Rayyan CSV) as one "
                                        "reviewer's decisions, matching records by PMID, DOI or title")
    i.add_argument("file", type=Path, metavar="FILE")
    i.add_argument("--format", dest="tool", choices=("asreview", "rayyan"), required=True)
    i.add_argument("--reviewer", metavar="NAME", help=reviewer_help)
    i.add_argument("--tool-reviewer", metavar="NAME", help="rayyan: whose decisions in the notes to import (default: "
                                                           "the note's only reviewer, else the one named --reviewer)")
    i.add_argument("--stage", choices=("screen", "fulltext"), default="screen", help="default: screen")
    i.add_argument("--default-reason", metavar="REASON", help="reason for an exclusion whose reason the file lacks "
                                                              "or the protocol does not offer (default: the stage's "
                                                              "first reason to exclude)")
    i.add_argument("--review", "--corpus", dest="corpus", type=Path, default=None, metavar="DIR", help=corpus_help)
    i.set_defaults(func=_cmd_decisions_import)
    e = tools.add_parser("export", help="write the screening decisions as ASReview's labelled CSV")
    e.add_argument("--format", dest="tool", choices=("asreview",), required=True)
    e.add_argument("--out", type=Path, required=True, metavar="FILE.csv")
    e.add_argument("--reviewer", metavar="NAME", help="this reviewer's decisions (default: the decided outcomes; "
                                                      "records in conflict stay unlabelled)")
    e.add_argument("--stage", choices=("screen", "fulltext"), default="screen", help="default: screen")
    e.add_argument("--review", "--corpus", dest="corpus", type=Path, default=None, metavar="DIR", help=corpus_help)
    e.set_defaults(func=_cmd_decisions_export)

    p = sub.add_parser("screen", help="prioritised screening: the next records to screen, or a simulation")
    # the same sub-command table as the top level: descriptions and --debug for nested commands too
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION", action=type(sub))
    n = actions.add_parser("next", help="the unscreened records, most likely include first; with --stage judge, "
                                        "the pairs the machine judged that await a reviewer: those that "
                                        "need one first, then least confident first")
    n.add_argument("--stage", choices=("screen", "judge"), default="screen",
                   help="screen (records to include or exclude, default) or judge ((study, claim) pairs to check)")
    n.add_argument("--n", type=int, default=10, help="how many to list (default: 10)")
    n.add_argument("--reviewer", metavar="NAME", help="records this reviewer has not screened, blind to the other "
                                                      "reviewers' decisions (default: LITREVIEW_REVIEWER, required)")
    n.add_argument("--conflicts", action="store_true", help="list the resolution queue instead: records reviewers "
                                                            "disagree on, at either screening stage")
    n.add_argument("--review", "--corpus", dest="corpus", type=Path, default=None, metavar="DIR", help=corpus_help)
    min_confidence_option(n)
    n.set_defaults(func=_cmd_screen_next)
    m = actions.add_parser("simulate", help="replay a labelled review (title, abstract, label_included) and report "
                                            "WSS@95, recall@10%% and the fraction screened to find every include")
    m.add_argument("dataset", type=Path, metavar="DATASET.csv")
    m.add_argument("--seed", type=int, default=0, help="chooses the prior include and exclude (default: 0)")
    m.add_argument("--out", type=Path, default=None, metavar="ORDER.csv",
                   help="write the screening order (record_id, label_included, rank)")
    m.add_argument("--stop-after-last-include", action="store_true",
                   help="stop once every include is found (the metrics are final by then; much faster)")
    m.set_defaults(func=_cmd_screen_simulate)


def _cmd_decide(args: argparse.Namespace, settings: Settings) -> int:
    """Validate and append one decision; say what the item's outcome now is."""
    from ..corpus.decision_schema import JUDGED_FIELDS
    from ..corpus.decisions import load_decisions
    from ..corpus.layout import CorpusPaths, load_review
    from ..errors import CorpusError

    reviewer = settings.require_reviewer(args.reviewer)
    inputs = load_review(args.corpus)
    root, claims, snapshot = inputs.root, inputs.claims, inputs.snapshot
    judged = {name: getattr(args, name) for name in JUDGED_FIELDS}
    if args.stage == "grade":
        if args.key not in {c.id for c in claims}:
            raise CorpusError(f"no claim {args.key!r} in the claims register (KEY is the claim at the grade stage)")
        values = {"claim": args.key, "decision": args.decision, "reason": args.reason, **judged}
    elif args.stage in ("screen", "fulltext"):
        snapshot.record(args.key)
        if args.decision is None:
            raise CorpusError(f"a {args.stage} decision needs --include or --exclude")
        values = {"decision": args.decision, "reason": args.reason, "claim": args.claim, **judged}
    else:
        snapshot.record(args.key)
        if args.claim is not None and args.claim not in {c.id for c in claims}:
            raise CorpusError(f"no claim {args.claim!r} in the claims register")
        values = {"claim": args.claim, "decision": args.decision, "reason": args.reason, **judged}
    rob = {"domain": args.domain, "judgement": args.judgement, "quote": args.quote, "verdict": args.verdict}
    if args.stage in ("rob", "grade") or any(v is not None for v in rob.values()):
        values.update(rob)
    if args.resolution and not (args.reason or args.note):
        raise CorpusError("a resolution says why: give --note (or, when judging, --reason)")
    log = load_decisions(CorpusPaths(root).decisions, snapshot)
    decision = log.make(args.key, args.stage, reviewer, note=args.note, resolution=args.resolution, **values)
    log = log.append(decision)
    outcome = log.outcome(*decision.item)
    print(f"recorded {decision.describe()} on {decision.key}{' / ' + decision.claim if decision.claim else ''} "
          f"-> {log.file_for(reviewer)}")
    if outcome is not None and outcome.status == "conflict":
        print(f"conflict on {', '.join(outcome.conflicting)}: {outcome.describe()} (settle it with --resolve)")
    return 0


def _printable(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with terminal control characters (escape sequences, carriage returns) cut out of its text."""
    def clean(value: object) -> object:
        if not isinstance(value, str):
            return value
        return "".join(" " if ch in "\t\n" else ch for ch in value
                       if ch in "\t\n" or not unicodedata.category(ch).startswith("C"))

    return frame.map(clean)


def _cmd_decisions(args: argparse.Namespace, settings: Settings) -> int:
    """Print the history, or the conflicts, or the kappa table."""
    from ..corpus.decisions import load_decisions
    from ..corpus.layout import CorpusPaths, find_review
    from ..corpus.snapshot import load_snapshot

    paths = CorpusPaths(find_review(args.corpus))
    log = load_decisions(paths.decisions, load_snapshot(paths.snapshot))
    history = _printable(log.to_frame())
    logged = history[history["line"] > 0].drop(columns="line")
    conflicts = _printable(log.conflicts())
    if args.conflicts:
        print(conflicts.to_string(index=False) if len(conflicts) else "no unresolved conflicts")
    if args.kappa:
        kappa = log.kappa().round(3)
        print(kappa.to_string(index=False) if len(kappa) else "no item decided by two reviewers yet")
    if not (args.conflicts or args.kappa):
        if len(logged):
            print(logged.dropna(axis=1, how="all").fillna("").to_string(index=False))
        reviewers = sorted(set(logged["reviewer"]))
        print(f"{len(logged)} decisions in {paths.decisions} by {len(reviewers)} reviewers "
              f"({', '.join(reviewers) or 'none yet'}), {len(conflicts)} unresolved conflicts; "
              f"the curator's register adds {len(history) - len(logged)} decisions")
    return 0


def _cmd_decisions_import(args: argparse.Namespace, settings: Settings) -> int:
    """Log another tool's labels as the reviewer's decisions; report unmatched rows in one line."""
    from ..corpus.decisions import load_decisions
    from ..corpus.interop import read_tool_decisions
    from ..corpus.layout import CorpusPaths, find_review
    from ..corpus.snapshot import load_snapshot

    reviewer = settings.require_reviewer(args.reviewer)
    paths = CorpusPaths(find_review(args.corpus))
    snapshot = load_snapshot(paths.snapshot)
    log = load_decisions(paths.decisions, snapshot)
    found = read_tool_decisions(args.file, args.tool, reviewer, snapshot, log, stage=args.stage,
                                default_reason=args.default_reason, tool_reviewer=args.tool_reviewer)
    for decision in found.decisions:
        log = log.append(decision)
    included = sum(d.decision == "include" for d in found.decisions)
    print(f"{args.file}: {found.rows} rows; logged {len(found.decisions)} {args.stage} decisions by {reviewer} "
          f"({included} include, {len(found.decisions) - included} exclude) -> {log.file_for(reviewer)}; "
          f"{found.unscreened} matched rows without a decision; "
          f"{found.rows - len(found.unmatched) - found.unscreened - len(found.decisions)} already logged")
    if found.default_reasons:
        print(f"  {found.default_reasons} exclusions had no reason the protocol offers: given "
              f"{args.default_reason or log.reasons[args.stage]['exclude'][0]!r}, the file's words kept as a note")
    if found.unmatched:
        print(f"litreview: warning: {found.describe_unmatched(args.file)}")
    return 0


def _cmd_decisions_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write the decisions as ASReview's labelled CSV through the exports' formula-safe writer."""
    from ..corpus.decisions import load_decisions
    from ..corpus.interop import asreview_frame
    from ..corpus.layout import CorpusPaths, find_review
    from ..corpus.snapshot import load_snapshot
    from ..outputs.export import export_csv

    paths = CorpusPaths(find_review(args.corpus))
    snapshot = load_snapshot(paths.snapshot)
    frame = asreview_frame(load_decisions(paths.decisions, snapshot), snapshot, stage=args.stage,
                           reviewer=args.reviewer)
    export_csv(args.out, frame)
    labelled = int(frame["included"].notna().sum())
    print(f"{args.out}: {len(frame)} records, {labelled} labelled ({int((frame['included'] == 1).sum())} include), "
          f"{len(frame) - labelled} not decided{' or in conflict' if args.reviewer is None else ''}")
    return 0


def _cmd_judge_next(args: argparse.Namespace) -> int:
    """List the machine-judged (study, claim) pairs no reviewer has checked: those whose judgement carries a
    quarter of a verdict's weight or flips it first, then least confident first."""
    from ..synthesis.roles import judge_queue
    from ..workbench.pipeline import build_review

    review = build_review(args.corpus, min_confidence=args.min_confidence)
    queue = judge_queue(review.studies)
    for rank, row in enumerate(queue.head(args.n).itertuples(index=False), start=1):
        print(f"{rank}\t{row.key}\t{row.claim_id}\t{row.auto_direction}\tconfidence {row.auto_confidence:.2f}\t"
              f"{review.snapshot.record(row.key).title}" + ("\tneeds a reviewer" if row.needs_reviewer else ""))
    needs = int(queue["needs_reviewer"].sum())
    print(f"{len(queue)} machine-judged pairs ({needs} needing a reviewer before their verdict stands, listed first) "
          "await a reviewer, least confident first")
    return 0


def _cmd_screen_next(args: argparse.Namespace, settings: Settings) -> int:
    """List the next records to screen (or, with ``--stage judge``, pairs to judge) and the stopping aid."""
    if args.stage == "judge":
        return _cmd_judge_next(args)
    from ..corpus.decisions import load_decisions
    from ..corpus.layout import CorpusPaths, load_review
    from ..screening.priority import Prioritizer
    from ..screening.rules import screen_records

    inputs = load_review(args.corpus)
    mechanisms, claims, snapshot = inputs.mechanisms, inputs.claims, inputs.snapshot
    log = load_decisions(CorpusPaths(inputs.root).decisions, snapshot)
    if args.conflicts:
        queue_of_conflicts = log.conflicts()
        queue_of_conflicts = queue_of_conflicts[queue_of_conflicts["stage"] != "judge"]
        for row in queue_of_conflicts.itertuples():
            print(f"{row.key}\t{row.stage}\t{row.decisions}\t{snapshot.record(row.key).title}")
        print(f"{len(queue_of_conflicts)} records in the resolution queue "
              "(settle one with litreview decide KEY --stage STAGE --include|--exclude --resolve --note WHY)")
        return 0
    reviewer = settings.require_reviewer(args.reviewer)
    screened = screen_records(snapshot, mechanisms, claims, intervention=inputs.config.intervention)
    queue = Prioritizer(snapshot.records, screened.log).queue(log, reviewer)
    for rank, key in enumerate(queue.keys[: args.n], start=1):
        score = "rules" if not queue.scores else _score_text(queue.scores[key])
        print(f"{rank}\t{key}\t{score}\t{snapshot.record(key).title}")
    if queue.includes_left is not None:
        basis = (f"ranked by the model ({queue.includes} includes, {queue.excludes} excludes so far); "
                 f"{queue.includes_left.describe()}")
    else:
        basis = "ranked by the rules until an include and an exclude are recorded"
    print(f"{len(queue.keys)} records to screen, {queue.since_last_include} decisions since the last include; "
          f"{basis}")
    return 0


def _score_text(score: float) -> str:
    """A model score, or why a record without text comes now."""
    return f"{score:+.2f}" if score != float("inf") else "no text"


def _cmd_screen_simulate(args: argparse.Namespace, settings: Settings) -> int:
    """Simulate screening one labelled dataset and print the metrics."""
    from ..outputs.export import export_csv
    from ..screening.priority import read_labelled_csv, simulate_screening

    data = read_labelled_csv(args.dataset)
    result = simulate_screening(data["title"], data["abstract"], data["label_included"], args.seed,
                                stop_after_last_include=args.stop_after_last_include, progress=True)
    metrics = result.metrics
    ids = data["record_id"].to_numpy()
    print(f"{args.dataset.name}: {len(data)} records, {int(data['label_included'].sum())} includes, seed {args.seed} "
          f"(prior records {ids[result.priors[0]]}, {ids[result.priors[1]]}); {result.seconds:.1f} s")
    print(f"WSS@95 {metrics.wss95:.3f}  recall@10% {metrics.recall_at_10:.3f}  "
          f"all includes found after {metrics.fraction_to_find_all:.1%} screened")
    if args.out is not None:
        export_csv(args.out, result.to_frame(ids))  # the exports' writer: an id like =HYPERLINK(...) stays text
        print(f"  {args.out}")
    return 0
