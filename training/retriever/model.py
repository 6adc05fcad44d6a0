"""The embedder being trained: the reader's plain BERT encoder (training.reader.model), mean-pooled and
L2-normalised exactly as the product pools all-MiniLM-L6-v2 (assistant.providers.embeddings)."""

from __future__ import annotations

import math

import torch
from torch import nn

from training.reader.model import Config, Encoder, load_base


class Embedder(nn.Module):
    def __init__(self, config: Config | None = None) -> None:
        super().__init__()
        self.config = config or Config()
        self.encoder = Encoder(self.config)

    def forward(self, input_ids, attention_mask, token_type_ids) -> torch.Tensor:
        """Token vectors (what the product's ONNX session returns first; it pools them itself)."""
        return self.encoder(input_ids, attention_mask, token_type_ids)

    def embed(self, input_ids, attention_mask, token_type_ids) -> torch.Tensor:
        tokens = self(input_ids, attention_mask, token_type_ids)
        mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
        pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return nn.functional.normalize(pooled, dim=-1)


class LowRank(nn.Module):
    """A linear layer kept as it is plus a trained low-rank change: x W^T + b + (x D^T) U^T. W stays exactly the
    base's int8 values (quantized again without loss); only D, U, the bias and the norms are learnt, and they ship
    in float. Fine-tuning W itself moves it by less than one int8 step, so quantizing undid most of it."""

    def __init__(self, linear: nn.Linear, rank: int) -> None:
        super().__init__()
        self.linear = linear
        self.linear.weight.requires_grad_(False)
        self.down = nn.Parameter(torch.randn(rank, linear.in_features) / math.sqrt(linear.in_features))
        self.up = nn.Parameter(torch.zeros(linear.out_features, rank))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x) + (x @ self.down.T) @ self.up.T


LINEARS = ("query", "key", "value", "attn_out", "inter", "out")


def with_low_rank(model: Embedder, rank: int) -> Embedder:
    """Every linear layer of the encoder wrapped in LowRank; the embeddings frozen; what stays trainable: the
    low-rank factors, biases and layer norms."""
    for layer in model.encoder.layers:
        for name in LINEARS:
            setattr(layer, name, LowRank(getattr(layer, name), rank))
    for table in (model.encoder.word, model.encoder.position, model.encoder.token_type):
        table.weight.requires_grad_(False)
    return model


def base_embedder(dropout: float = 0.1) -> Embedder:
    """The embedder with the product's base weights (dequantized from the int8 ONNX)."""
    model = Embedder(Config(dropout=dropout))
    missing = load_base(model)  # type: ignore[arg-type]  # it reads only .config and the encoder.* parameters
    assert not missing, missing
    return model
