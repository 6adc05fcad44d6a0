"""Passages -> model inputs and targets; model outputs -> per-passage predictions (shared by training, evaluation
and the ONNX check, and the reference for the product's run-time decoding)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

import numpy as np

MAX_ANSWER_TOKENS = 30  # longest span decoded


@dataclass
class Features:
    ids: list[int]
    types: list[int]
    offsets: list[tuple[int, int]]  # char offsets into the passage text for passage tokens, (0, 0) otherwise
    passage_mask: list[bool]  # token belongs to the passage (not question, not special)
    sentence_tokens: list[tuple[int, int]]  # per sentence, [first, last+1) token; (0, 0) when cut off
    sentence_labels: list[int]  # 1 / 0 / -1 (unknown, or the sentence was cut off by truncation)
    start: int  # span start token, -1 when no span target
    end: int
    has_answer: bool


def passage_text(sentences: list[str]) -> tuple[str, list[int]]:
    """The passage as the reader sees it: sentences joined by one space; and each sentence's first char."""
    starts, pos = [], 0
    for s in sentences:
        starts.append(pos)
        pos += len(s) + 1
    return " ".join(sentences), starts


def featurize(tok, question: str, sentences: list[str], labels: list[int] | None = None,
              span: list[int] | None = None) -> Features | None:
    """Tokenize [CLS] question [SEP] passage [SEP]; map sentences and the answer span to tokens.

    Returns None for a labelled answerable passage whose every answer sentence was cut off by truncation."""
    text, starts = passage_text(sentences)
    enc = tok.encode(question, text)
    seq = enc.sequence_ids
    passage_mask = [s == 1 for s in seq]
    offsets = [o if m else (0, 0) for o, m in zip(enc.offsets, passage_mask)]
    in_passage = [i for i, m in enumerate(passage_mask) if m]
    visible_end = offsets[in_passage[-1]][1] if in_passage else 0
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for i in in_passage:
        k = bisect_right(starts, offsets[i][0]) - 1
        first.setdefault(k, i)
        last[k] = i
    sentence_tokens, sentence_labels = [], []
    for k, s in enumerate(sentences):
        visible = k in first and starts[k] + len(s) <= visible_end
        sentence_tokens.append((first[k], last[k] + 1) if visible else (0, 0))
        sentence_labels.append((labels[k] if labels is not None else -1) if visible else -1)
    start = end = -1
    if span is not None:
        a, b = span
        toks = [i for i in in_passage if offsets[i][1] > a and offsets[i][0] < b]
        if toks and b <= visible_end:
            start, end = toks[0], toks[-1]
    has_answer = any(v == 1 for v in sentence_labels)
    if labels is not None and any(v == 1 for v in labels) and not has_answer:
        return None
    return Features(enc.ids, enc.type_ids, offsets, passage_mask, sentence_tokens, sentence_labels, start, end,
                    has_answer)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def softmax_masked(logits: np.ndarray, mask: np.ndarray) -> np.ndarray:
    z = np.where(mask, logits.astype(np.float64), -np.inf)
    z = np.exp(z - z.max())
    return z / z.sum()


def decode(f: Features, start_logits, end_logits, sentence_logits, na_logit: float) -> dict:
    """One passage's predictions from its raw outputs (cut to its own length).

    sentence_scores[k] = sigmoid(mean of sentence_logits over sentence k's tokens) (None when cut off);
    na = sigmoid(na_logit) = P(no answer in the passage);
    span = argmax over passage tokens s <= e < s + 30 of start[s] + end[e], with
    p = softmax(start over passage)[s] * softmax(end over passage)[e] (given that the passage answers)."""
    n = len(f.ids)
    start_logits, end_logits, sentence_logits = (np.asarray(a[:n]) for a in (start_logits, end_logits,
                                                                           sentence_logits))
    scores = [float(sigmoid(sentence_logits[a:b].mean())) if b > a else None for a, b in f.sentence_tokens]
    mask = np.array(f.passage_mask)
    span = None
    if mask.any():
        ps, pe = softmax_masked(start_logits, mask), softmax_masked(end_logits, mask)
        pair = np.triu(np.outer(ps, pe)) - np.triu(np.outer(ps, pe), MAX_ANSWER_TOKENS)
        s, e = np.unravel_index(int(np.argmax(pair)), pair.shape)
        span = {"start_token": int(s), "end_token": int(e), "char_start": f.offsets[s][0],
                "char_end": f.offsets[e][1], "p": float(pair[s, e])}
    return {"sentence_scores": scores, "na": float(sigmoid(na_logit)), "span": span}
