"""python -m training.retriever {train,export} ... (training/README.md)"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(var, "2")

from training.reader.common import CACHE, SEED

SOURCES = ("realtimeqa", "squad", "cloze")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m training.retriever", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("train", help="fine-tune the embedder (resumes from RUN/last.pt when it exists)")
    p.add_argument("--data", type=Path, default=CACHE / "data", help="a training.reader build-data folder")
    p.add_argument("--extra", type=Path, nargs="*", default=[], help="more rows in its format (cloze)")
    p.add_argument("--sources", nargs="+", default=list(SOURCES), choices=SOURCES)
    p.add_argument("--run", type=Path, default=CACHE / "retriever-run")
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=2e-5)
    p.add_argument("--scale", type=float, default=20.0, help="cosine x scale are the softmax's logits")
    p.add_argument("--low-rank", type=int, default=0, metavar="R",
                   help="train a rank-R change beside each frozen linear layer (what survives int8; 0: train all)")
    p.add_argument("--checkpoint-minutes", type=float, default=10.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=SEED)
    p = sub.add_parser("export", help="RUN/last.pt as ONNX float and int8 in RUN/export/")
    p.add_argument("--run", type=Path, default=CACHE / "retriever-run")
    args = parser.parse_args(argv)
    if args.command == "train":
        from .train import train
        train(args)
    else:
        from .export import export
        export(args)


if __name__ == "__main__":
    main()
