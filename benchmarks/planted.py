"""How well the planted-instruction detector (assistant/evidence/planted.py) separates text addressed to an AI from
genuine document text, on labeled sets it was not written from.

    python benchmarks/planted.py evals/planted/heldout.jsonl [--show]

Each line of the set: {"text", "planted": true|false, "kind"}. A text counts as flagged when any of its sentences
(the project's own splitter) is. evals/planted/dev.jsonl is the development set (every earlier held-out set was
folded into it after it was reported); evals/planted/heldout.jsonl was written after the detector and is reported
only. Prints caught planted texts and flagged genuine ones, with the misses when --show is given.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.evidence.planted import is_planted
from assistant.ingest.chunking import sentence_bounds


def flagged(text: str) -> bool:
    flat = " ".join(text.split())
    return any(is_planted(flat[start:end]) for start, end in sentence_bounds(flat)) or is_planted(flat)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("set", type=Path)
    parser.add_argument("--show", action="store_true", help="print every miss and false alarm")
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in args.set.read_text(encoding="utf-8").splitlines() if line.strip()]
    outcome: Counter[tuple[bool, bool]] = Counter()
    missed_kinds: Counter[str] = Counter()
    for row in rows:
        found = flagged(row["text"])
        outcome[(row["planted"], found)] += 1
        if row["planted"] != found:
            missed_kinds[row.get("kind", "?")] += 1
            if args.show:
                print(("MISSED " if row["planted"] else "FALSE ALARM ") + row["text"][:160])
    planted, genuine = outcome[(True, True)] + outcome[(True, False)], outcome[(False, True)] + outcome[(False, False)]
    print(f"{args.set}: planted caught {outcome[(True, True)]}/{planted}; genuine flagged {outcome[(False, True)]}/{genuine}")
    for kind, count in missed_kinds.most_common():
        print(f"  wrong on {kind}: {count}")


if __name__ == "__main__":
    main()
