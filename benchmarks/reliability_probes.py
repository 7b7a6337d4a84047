"""Probes for the guarantees of docs/reliability.md: decisions lost, snapshot mixes (issue 27).

* ``decisions``: ``--writers`` processes append decisions to one log as fast as they can,
  each printing a decision's number once ``DecisionLog.append`` has returned
  ("recorded"); the probe ``kill -9``s them at random moments, ``--rounds`` times, with
  the file-size limit (``RLIMIT_FSIZE``, like a full disk) reached part-way in every
  other round. Counted: decisions reported recorded but missing from the log (lost),
  lines glued or torn, and whether the log still loads.
* ``snapshot``: a writer process rewrites a copy of the corpus snapshot alternately
  with two versions for ``--seconds``; this process loads it in a loop. Counted: loads
  equal to one version, refusals (one-line CorpusError), and mixes (neither version).

Run: ``python benchmarks/reliability_probes.py [--rounds 10] [--writers 4] [--seconds 20]``
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from litreview.corpus.decisions import load_decisions  # noqa: E402
from litreview.corpus.snapshot import load_snapshot  # noqa: E402
from litreview.errors import CorpusError  # noqa: E402

_APPENDER = """
import sys
from pathlib import Path
from litreview.corpus.decisions import DecisionLog
from litreview.corpus.decision_schema import make_decision
from litreview.errors import CorpusError
log, name = DecisionLog((), Path(sys.argv[1])), sys.argv[2]
for i in range(10**9):
    try:
        log.append(make_decision(f"{name}-{i}", "screen", name, decision="include", note="x" * 200))
    except CorpusError:
        continue
    print(i, flush=True)
"""

_REWRITER = """
import sys, time
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from test_snapshot import changed_snapshot
from litreview.corpus.snapshot import load_snapshot, write_snapshot
target, until = Path(sys.argv[1]), float(sys.argv[2])
old = load_snapshot(target)
versions, n = [changed_snapshot(old), old], 0
while time.time() < until:
    write_snapshot(versions[n % 2], target)
    n += 1
print(n)
"""


def probe_decisions(rounds: int, writers: int) -> None:
    """Kill appenders at random moments, half the rounds under a file-size limit; count what was lost."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "decisions.jsonl"
        recorded: set[tuple[str, str]] = set()
        refused = 0
        for round_ in range(rounds):
            limit = path.stat().st_size + 20_000 if round_ % 2 and path.exists() else None

            def apply(limit: int | None = limit) -> None:
                if limit is not None:
                    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

            procs = [subprocess.Popen([sys.executable, "-c", _APPENDER, str(path), f"r{round_}w{w}"], env=env,
                                      stdout=subprocess.PIPE, text=True, preexec_fn=apply) for w in range(writers)]
            time.sleep(random.uniform(4, 8))  # the writers start (imports) in about 2 s
            for proc in procs:
                proc.send_signal(signal.SIGKILL)
            for w, proc in enumerate(procs):
                out, _ = proc.communicate()
                recorded.update((f"r{round_}w{w}", line) for line in out.split())
            try:
                load_decisions(path)
            except CorpusError as exc:  # a torn last line from a kill: the next append refuses, naming it
                refused += 1
                print(f"  round {round_}: {exc}")
                lines = path.read_bytes().split(b"\n")
                path.write_bytes(b"\n".join(lines[:-1]) + b"\n")  # what a reviewer does: drop the torn line
        logged = {(d.reviewer, d.key.rsplit("-", 1)[1]) for d in load_decisions(path)}
        lost = recorded - logged
        print(f"decisions: {rounds} rounds x {writers} writers killed -9 ({rounds // 2} under a file-size limit): "
              f"{len(recorded)} reported recorded, {len(lost)} lost, {len(logged - recorded)} logged but killed "
              f"before reporting, {refused} torn last lines refused by name")


def probe_snapshot(seconds: float) -> None:
    """Load the snapshot in a loop while another process rewrites it; count mixes."""
    from test_snapshot import changed_snapshot

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(shutil.copytree(ROOT / "corpus" / "snapshot", Path(tmp) / "snapshot"))
        old = load_snapshot(target)
        new = changed_snapshot(old)
        writer = subprocess.Popen([sys.executable, "-c", _REWRITER, str(target), str(time.time() + seconds),
                                   str(ROOT / "tests")], env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
                                  stdout=subprocess.PIPE, text=True)
        loads = refusals = mixes = 0
        reasons: set[str] = set()
        while writer.poll() is None:
            try:
                loaded = load_snapshot(target)
            except CorpusError as exc:
                refusals += 1
                reasons.add(str(exc).split(": ", 1)[1][:80])
                continue
            loads += 1
            mixes += loaded != old and loaded != new
        rewrites = int(writer.communicate()[0] or 0)
        print(f"snapshot: {rewrites} rewrites in {seconds:.0f} s; {loads} loads, {refusals} refusals, {mixes} mixes")
        for reason in sorted(reasons):
            print(f"  refused: {reason}...")


def main() -> int:
    """Run both probes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    probe_decisions(args.rounds, args.writers)
    probe_snapshot(args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
