"""The one factory for chat models and embeddings, chosen by the settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.config import Settings
from assistant.errors import ProviderError

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models.chat_models import BaseChatModel

DEFAULT_OPENAI_CHAT = "gpt-4o-mini"
DEFAULT_OPENAI_EMBEDDINGS = "text-embedding-3-small"
OPENAI_EMBEDDING_DIMENSIONS = {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072,
                               "text-embedding-ada-002": 1536}


@dataclass(frozen=True)
class EmbeddingModel:
    embeddings: Embeddings
    name: str
    dimension: int


def chat_model(settings: Settings) -> BaseChatModel:
    """The chat model the settings name: the packaged GGUF on llama.cpp, or an OpenAI-compatible server."""
    if settings.provider == "openai":
        from assistant.providers.openai_compatible import CheckedChatOpenAI

        return CheckedChatOpenAI(model=settings.model or DEFAULT_OPENAI_CHAT, base_url=settings.openai_base_url,
                          api_key=_api_key(settings), temperature=settings.temperature,
                          max_completion_tokens=settings.max_tokens, timeout=settings.timeout,
                          max_retries=settings.max_retries)
    from assistant.providers.llamacpp import LlamaCppChat
    from assistant.providers.llamacpp_worker import default_gguf

    path = Path(settings.model).expanduser() if settings.model else default_gguf()
    if not path.is_file():
        raise ProviderError(f"model file not found: {path} (ASSISTANT_MODEL must name a .gguf file)")
    chat = LlamaCppChat(model_path=str(path), context_window=settings.context_window, threads=settings.threads,
                        temperature=settings.temperature, max_tokens=settings.max_tokens,
                        repeat_penalty=settings.repeat_penalty)
    chat.process.start()  # loading overlaps with retrieval; the first request waits for it
    return chat


def chat_model_name(settings: Settings) -> dict[str, str]:
    if settings.provider == "openai":
        return {"provider": "openai", "name": settings.model or DEFAULT_OPENAI_CHAT}
    from assistant.providers.llamacpp_worker import default_gguf

    return {"provider": "local", "name": Path(settings.model).name if settings.model else default_gguf().name}


def embedding_model(settings: Settings) -> EmbeddingModel:
    """The embeddings the settings name: the packaged MiniLM on onnxruntime, or an OpenAI-compatible server."""
    if settings.embeddings == "openai":
        from assistant.providers.openai_compatible import CheckedOpenAIEmbeddings

        name = settings.embedding_model or DEFAULT_OPENAI_EMBEDDINGS
        embeddings = CheckedOpenAIEmbeddings(  # type: ignore[call-arg]  # pydantic aliases the type checker does not see
            model=name, base_url=settings.openai_base_url, api_key=_api_key(settings), check_embedding_ctx_length=False,
            timeout=settings.timeout, max_retries=settings.max_retries)
        dimension = OPENAI_EMBEDDING_DIMENSIONS.get(name) or len(embeddings.embed_query("dimension probe"))
        return EmbeddingModel(embeddings, f"openai:{name}", dimension)
    from assistant.providers.embeddings import LocalEmbeddings

    local = LocalEmbeddings(threads=settings.threads, batch_size=settings.ingest.embed_batch)
    return EmbeddingModel(local, local.name, local.dimension)


def _api_key(settings: Settings) -> str:
    if settings.openai_api_key:
        return settings.openai_api_key.get_secret_value()
    if settings.openai_base_url:
        return "not-needed"  # local OpenAI-compatible servers accept any key
    raise ProviderError("the openai provider needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local server)")


@dataclass(frozen=True)
class Models:
    """How the chat model and the embeddings are made. The defaults read the settings; tests inject their own
    (a fake chat model, a deterministic embedder) through the CLI's context object."""

    chat: Callable[[Settings], BaseChatModel] = chat_model
    embeddings: Callable[[Settings], EmbeddingModel] = embedding_model
    chat_name: Callable[[Settings], dict[str, str]] = chat_model_name
