"""Summary quality per seed document: the share of the model's summary sentences that pass the check, the
coverage of each document's main points (evals/summaries.yaml), and latency.

    python benchmarks/summaries.py [--length medium]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import yaml

from assistant.config import load_settings
from assistant.engine import Assistant
from assistant.evaluation.phrases import contains

ROOT = Path(__file__).resolve().parent.parent


def covered(points: list[list[str]], text: str) -> int:
    """Points mentioned, matched on word boundaries ("aid" is not in "said")."""
    return sum(any(contains(text, spelling) for spelling in point) for point in points)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--length", default="medium")
    args = parser.parse_args()
    wanted = yaml.safe_load((ROOT / "evals" / "summaries.yaml").read_text())["documents"]
    with tempfile.TemporaryDirectory() as folder:
        engine = Assistant(load_settings().with_overrides(store=Path(folder) / "store"))
        engine.ingest([Path("seeds")])
        print(f"{'document':34}{'model sentences':>16}{'passed':>8}{'kept':>6}{'main points':>13}{'seconds':>9}")
        totals = [0, 0, 0, 0]
        for source, points in wanted.items():
            summary = engine.summarize(path=source, length=args.length, use_cache=False)
            drafted = [s for s in summary.sentences if s.status in ("supported", "dropped")]
            passed = sum(s.status == "supported" for s in drafted)
            kept = sum(s.status in ("supported", "extractive") for s in summary.sentences)
            hits = covered(points, summary.summary)
            totals = [totals[0] + len(drafted), totals[1] + passed, totals[2] + hits, totals[3] + len(points)]
            print(f"{source:34}{len(drafted):>16}{passed / max(1, len(drafted)):>8.2f}{kept:>6}"
                  f"{f'{hits}/{len(points)}':>13}{summary.seconds:>9.1f}")
        print(f"{'all':34}{totals[0]:>16}{totals[1] / max(1, totals[0]):>8.2f}{'':>6}{f'{totals[2]}/{totals[3]}':>13}")


if __name__ == "__main__":
    main()
