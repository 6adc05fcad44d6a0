"""The trained reader: reads a question and a passage together and says, per sentence, how likely it states the
answer, whether the passage answers at all, and which words are the answer.

The model (int8 ONNX, trained by `python -m training.reader`, see reader_model/MODEL_CARD.md) ships inside the
package and runs with onnxruntime and the embedder's tokenizer; nothing is downloaded. Decoding follows
reader_model/reader.json, the contract written at export."""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

import numpy as np

from assistant.providers.embeddings import cpu_session, tokenizer_file

MODEL_DIR = "reader_model"
Outputs = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # start, end and sentence logits; no-answer logit
OUTPUTS = ("start_logits", "end_logits", "sentence_logits", "na_logit")


@dataclass(frozen=True)
class AnswerSpan:
    """The answer words the reader points at: `sentence` indexes the passage's sentences, the offsets are in it."""

    sentence: int
    start: int
    end: int
    text: str
    probability: float  # for a passage's span: P(span | passage answers) * P(passage answers); for a sentence's
    # (Reading.inside): P(these words | the answer is in this sentence)


@dataclass(frozen=True)
class Reading:
    """One passage as the reader read it against the question."""

    sentences: tuple[float | None, ...]  # P(sentence states the answer); None when cut off by the length limit
    answers: float  # P(the passage holds the answer) = 1 - P(no answer)
    span: AnswerSpan | None
    inside: tuple[AnswerSpan | None, ...]  # per sentence, its likeliest answer words; None when cut off


@dataclass(frozen=True)
class _Encoded:
    ids: list[int]
    types: list[int]
    offsets: list[tuple[int, int]]  # into the joined passage text; (0, 0) outside the passage
    passage: list[bool]
    sentence_tokens: list[tuple[int, int]]  # [first, last + 1); (0, 0) when the sentence was cut off
    sentence_starts: list[int]


def _directory(directory: Path | None) -> Path:
    return directory or Path(str(resources.files("assistant.scoring").joinpath(MODEL_DIR)))


@cache
def contract(directory: Path | None = None) -> dict:
    """reader.json: inputs, outputs, decoding, tokenizer settings, the thresholds of the export (the shipped
    reader's, or those of an export directory written by `python -m training.reader export`)."""
    return json.loads((_directory(directory) / "reader.json").read_text("utf-8"))


def model_file(directory: Path | None = None) -> Path:
    meta = contract(directory)
    if meta.get("title_line"):  # scores without the title would be of another input than it was trained on
        raise ValueError(f"{_directory(directory)} holds a reader trained to read each passage after its document's "
                         "title (train --title); the product reads passages without one")
    return _directory(directory) / meta["model"]


def tokenizer_path(directory: Path | None = None) -> Path:
    """The reader's own tokenizer when its export ships one beside the model (a base with its own vocabulary),
    else the embedder's, whose vocabulary the MiniLM-based readers share."""
    named = contract(directory).get("tokenizer", "")
    return _directory(directory) / named if "/" not in named and named else tokenizer_file()


def _sigmoid(x: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def _softmax(logits: np.ndarray, mask: np.ndarray) -> np.ndarray:
    z = np.where(mask, logits.astype(np.float64), -np.inf)
    z = np.exp(z - z.max())
    return z / z.sum()


class Reader:
    """Passages through the ONNX model on the CPU (session and tokenizer made on first use)."""

    def __init__(self, threads: int = 2, directory: Path | None = None):
        self.threads = threads
        self.directory = directory  # another export of the same contract (benchmarks compare trained readers)

    @cached_property
    def _session(self):
        return cpu_session(model_file(self.directory), self.threads)

    @cached_property
    def _tokenizer(self):
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(tokenizer_path(self.directory)))
        tokenizer.no_padding()
        limit = contract(self.directory)["tokenizer_settings"]["truncation"]
        tokenizer.enable_truncation(limit["max_length"], strategy=limit["strategy"])
        return tokenizer

    def read(self, question: str, passages: list[list[str]]) -> list[Reading]:
        """Per passage (its sentences, in order), what the reader found; an empty passage answers nothing."""
        readings = []
        for sentences in passages:
            encoded = self._encode(question, sentences) if sentences else None
            readings.append(_decode(sentences, encoded, *self._run(encoded)) if encoded else Reading((), 0.0, None, ()))
        return readings

    def _encode(self, question: str, sentences: list[str]) -> _Encoded:
        starts, position = [], 0
        for sentence in sentences:
            starts.append(position)
            position += len(sentence) + 1
        text = " ".join(sentences)
        encoding = self._tokenizer.encode(question, text)
        passage = [s == 1 for s in encoding.sequence_ids]
        offsets = [o if inside else (0, 0) for o, inside in zip(encoding.offsets, passage)]
        tokens = [i for i, inside in enumerate(passage) if inside]
        visible_end = offsets[tokens[-1]][1] if tokens else 0
        first: dict[int, int] = {}
        last: dict[int, int] = {}
        for i in tokens:
            k = bisect_right(starts, offsets[i][0]) - 1
            first.setdefault(k, i)
            last[k] = i
        spans = [(first[k], last[k] + 1) if k in first and starts[k] + len(s) <= visible_end else (0, 0)
                 for k, s in enumerate(sentences)]
        return _Encoded(encoding.ids, encoding.type_ids, offsets, passage, spans, starts)

    def _run(self, e: _Encoded) -> Outputs:
        # One passage per run: int8 activations are quantized with a scale taken over the whole batch, so padding
        # and neighbours would shift a passage's scores (by up to 0.01 here); batching was no faster on 2 cores.
        feed = {"input_ids": np.array([e.ids], dtype=np.int64),
                "attention_mask": np.ones((1, len(e.ids)), dtype=np.int64),
                "token_type_ids": np.array([e.types], dtype=np.int64)}
        start, end, sentence, no_answer = self._session.run(list(OUTPUTS), feed)
        return start[0], end[0], sentence[0], no_answer[0]


def _decode(sentences: list[str], e: _Encoded, start: np.ndarray, end: np.ndarray, sentence_logits: np.ndarray,
            no_answer: np.ndarray) -> Reading:
    answers = float(1.0 - _sigmoid(float(no_answer)))
    scores = tuple(float(_sigmoid(sentence_logits[a:b].mean())) if b > a else None for a, b in e.sentence_tokens)
    inside = tuple(_inside(sentences, e, start, end, a, b) if b > a else None for a, b in e.sentence_tokens)
    return Reading(scores, answers, _span(sentences, e, start, end, answers), inside)


def _best_pair(start: np.ndarray, end: np.ndarray, mask: np.ndarray) -> tuple[int, int, float]:
    """The likeliest answer words among the masked tokens: best start <= end < start + max_answer_tokens by
    softmax(start) * softmax(end), both taken over the masked tokens only."""
    longest = int(contract().get("max_answer_tokens", 30))
    pair = np.outer(_softmax(start, mask), _softmax(end, mask))
    pair = np.triu(pair) - np.triu(pair, longest)
    s, t = (int(i) for i in np.unravel_index(int(np.argmax(pair)), pair.shape))
    return s, t, float(pair[s, t])


def _words(sentences: list[str], e: _Encoded, s: int, t: int, probability: float) -> AnswerSpan | None:
    """Tokens s..t as words of the sentence token s stands in (a span across a sentence end is cut at it)."""
    k = bisect_right(e.sentence_starts, e.offsets[s][0]) - 1
    begin = e.offsets[s][0] - e.sentence_starts[k]
    stop = min(e.offsets[t][1] - e.sentence_starts[k], len(sentences[k]))
    begin, stop = _paired(sentences[k], begin, stop)
    text = sentences[k][begin:stop].strip()
    return AnswerSpan(k, begin, stop, text, probability) if text else None


PAIRS = {"(": ")", "[": "]", "\u201c": "\u201d", '"': '"'}


def _paired(sentence: str, begin: int, stop: int) -> tuple[int, int]:
    """The words' bounds with no bracket or quote mark left without its partner: one that closes what opened before
    the words is dropped ("LAS)" of "... (LAS)" is "LAS"); one that opens is closed when its partner follows right
    after the words ('"Ted Lasso' becomes '"Ted Lasso"'), else dropped. Tokens end where a word piece does; the
    answer should not."""
    for opening, closing in PAIRS.items():
        words = sentence[begin:stop]
        if opening == closing:  # a straight quote mark: an odd count leaves one unpaired
            odd = words.count(opening) % 2 == 1
            closes = odd and words.endswith(closing) and not words.startswith(opening)
            opens = odd and not closes
        else:
            opens, closes = words.count(opening) > words.count(closing), words.count(closing) > words.count(opening)
        if closes and words.endswith(closing):
            stop -= 1
        elif opens and sentence[stop:stop + 1] == closing:
            stop += 1
        elif opens and words.startswith(opening):
            begin += 1
    return begin, stop


def _span(sentences: list[str], e: _Encoded, start: np.ndarray, end: np.ndarray, answers: float) -> AnswerSpan | None:
    """The most likely answer words of the passage, kept inside one sentence."""
    mask = np.array(e.passage)
    if not mask.any():
        return None
    s, t, p = _best_pair(start, end, mask)
    return _words(sentences, e, s, t, p * answers)


def _inside(sentences: list[str], e: _Encoded, start: np.ndarray, end: np.ndarray, first: int,
            stop: int) -> AnswerSpan | None:
    """The likeliest answer words within one sentence (its tokens first..stop-1), as if the answer were there: the
    words to state when that sentence is quoted anyway. Where the passage's own span lies in the sentence, they are
    the same words (both softmaxes only lose the same mass outside it)."""
    s, t, p = _best_pair(start[first:stop], end[first:stop], np.ones(stop - first, dtype=bool))
    return _words(sentences, e, s + first, t + first, p)
