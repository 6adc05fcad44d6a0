"""Deterministic stand-ins for the models, for tests where the model's quality does not matter."""

from __future__ import annotations

import zlib

import numpy as np
from langchain_core.embeddings import Embeddings
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.text.words import content_words

DIMENSION = 384


class HashEmbeddings(Embeddings):
    """Bag-of-words vectors: each stemmed content word hashed to one dimension (with a sign), L2-normalised.
    Texts that share words are close, as with a real model, but it is instant and needs no files."""

    name = "test-hash-embeddings"
    dimension = DIMENSION

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.vector(text).tolist() for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.vector(text).tolist()

    @staticmethod
    def vector(text: str) -> np.ndarray:
        vector = np.zeros(DIMENSION, dtype=np.float32)
        for word in content_words(text):
            code = zlib.crc32(word.encode())
            vector[code % DIMENSION] += 1.0 if code & 0x100000 else -1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector


class CountingModel(FakeListChatModel):
    """A fake chat model that also counts how often it was called and keeps the last prompt's text."""

    calls: int = 0
    last_prompt: str = ""

    def _call(self, messages, *args, **kwargs):
        self.calls += 1
        self.last_prompt = "\n".join(str(m.content) for m in messages)
        return super()._call(messages, *args, **kwargs)
