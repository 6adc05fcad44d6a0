"""Reference run time: the exported reader with onnxruntime + tokenizers + numpy only (no torch), as the product
would run it. Copy the logic, not the import: the package must not depend on training/.

    python -m training.reader.infer MODEL.onnx "question" "passage sentence one. Sentence two." ...
(each further argument is one passage; its sentences are split with the product's sentence splitter)
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from .common import load_tokenizer
from .features import decode, featurize, passage_text
from .onnxio import run, session


class OnnxReader:
    def __init__(self, model: Path, threads: int = 2, batch: int = 4) -> None:
        self.session = session(model, threads)
        self.tok = load_tokenizer()
        self.batch = batch

    def read(self, question: str, passages: list[list[str]]) -> list[dict]:
        """Per passage (a list of sentences): sentence probabilities, no-answer probability, best span."""
        feats = [featurize(self.tok, question, sentences) for sentences in passages]
        raw = run(self.session, [(f.ids, f.types) for f in feats], self.batch)
        out = []
        for sentences, f, (start, end, sent, na) in zip(passages, feats, raw):
            p = decode(f, start, end, sent, na)
            text, _ = passage_text(sentences)
            span = p["span"]
            out.append({"sentences": [{"text": s, "p_states_answer": score}
                                      for s, score in zip(sentences, p["sentence_scores"])],
                        "p_no_answer": p["na"],
                        "span": None if span is None else {"text": text[span["char_start"]: span["char_end"]],
                                                           "p_given_answerable": span["p"],
                                                           "p": span["p"] * (1 - p["na"])}})
        return out


def main(argv: list[str]) -> None:
    from assistant.ingest.chunking import sentence_bounds
    model, question, *passages = argv
    split = [[p[a:b].strip() for a, b in sentence_bounds(p) if p[a:b].strip()] for p in passages]
    reader = OnnxReader(Path(model))
    t = time.perf_counter()
    result = reader.read(question, split)
    print(json.dumps(result, indent=1, ensure_ascii=False))
    print(f"{1000 * (time.perf_counter() - t):.0f} ms for {len(split)} passages", file=sys.stderr)


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main(sys.argv[1:])
