"""How often the summary check keeps a sentence a careful reader would reject, and drops one the article says.

    python benchmarks/summary_claims.py dump  --out benchmarks/out/news-2024 [--documents 30] [--seed 7]
    python benchmarks/summary_claims.py score --labels benchmarks/out/news-2024/summary-claims.labeled.jsonl

`dump` summarizes randomly chosen articles of a news corpus indexed by benchmarks/news.py (2023: development, where
the summary settings were fit; 2024: held out) with the grounded summarizer and writes every sentence the model
wrote, kept or dropped by the check, with the evidence it cites and the article's file, to OUT/summary-claims.jsonl
for a person to label: "label": true when the article says what the sentence says (for a kept sentence: the cited
sentences say it), false otherwise (the standard of evals/claims). The news text stays in benchmarks/out
(git-ignored). `score` prints the share of kept sentences labeled false and of dropped ones labeled true.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def dump(out: Path, documents: int, seed: int) -> None:
    from assistant.config import load_settings
    from assistant.engine import Assistant

    engine = Assistant(load_settings({"store": out / "store"}))
    chosen = random.Random(seed).sample(engine.store.documents(), documents)
    rows = []
    for document in chosen:
        summary = engine.summarize(path=document.path, use_cache=False)
        quotes = {c.id: c.quote for c in summary.citations}
        for sentence in summary.sentences:
            if sentence.status in ("supported", "dropped"):
                rows.append({"document": document.source, "sentence": sentence.text,
                             "kept": sentence.status == "supported", "reason": sentence.reason,
                             "evidence": [quotes[i] for i in sentence.cited if i in quotes], "label": None})
    path = out / "summary-claims.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    kept = sum(row["kept"] for row in rows)
    print(f"{kept} of {len(rows)} model sentences kept, from {len(chosen)} summaries -> {path}")


def score(labels: Path) -> None:
    rows = [json.loads(line) for line in labels.read_text().splitlines()]
    for kept, wrong, what in ((True, False, "kept sentences a reader rejects"),
                              (False, True, "dropped sentences the article does say")):
        judged = [r for r in rows if r["label"] is not None and r.get("kept", True) == kept]
        count = sum(r["label"] == wrong for r in judged)
        print(f"{what}: {count}/{len(judged)} = {count / max(1, len(judged)):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    dumping = sub.add_parser("dump")
    dumping.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "news-2023")
    dumping.add_argument("--documents", type=int, default=30)
    dumping.add_argument("--seed", type=int, default=7)
    scoring = sub.add_parser("score")
    scoring.add_argument("--labels", type=Path, required=True)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out, args.documents, args.seed)
    else:
        score(args.labels)


if __name__ == "__main__":
    main()
