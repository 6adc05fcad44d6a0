"""OpenAI or any OpenAI-compatible server (vLLM, Ollama, llama.cpp's server): chat and embeddings through LangChain,
with every failure of the server turned into one line for people (a ProviderError) right here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import openai
from langchain_openai import ChatOpenAI, OpenAIEmbeddings

from assistant.errors import ProviderError

# What a server that answers 200 with a body that is not an OpenAI response makes the client raise while reading it
# (JSONDecodeError and UnicodeDecodeError are ValueErrors; langchain raises ValueError for a JSON null).
MALFORMED = (ValueError, TypeError, KeyError, AttributeError, IndexError)


def failure_message(error: openai.OpenAIError) -> str:
    """One line for a model server's failure."""
    if isinstance(error, openai.APITimeoutError):
        return "the model server did not answer in time (raise ASSISTANT_TIMEOUT?)"
    if isinstance(error, openai.APIConnectionError):
        return f"cannot reach the model server ({error.__cause__ or error}); is it running, and is OPENAI_BASE_URL right?"
    if isinstance(error, openai.AuthenticationError):
        return "the model server rejected the API key (401); check OPENAI_API_KEY"
    if isinstance(error, openai.NotFoundError):
        return "the model server does not know that model (404); check ASSISTANT_MODEL"
    if isinstance(error, openai.RateLimitError):
        return "the model server is rate limiting (429) and retries ran out; try again later"
    if isinstance(error, openai.InternalServerError):
        return f"the model server failed ({error.status_code}) and retries ran out"
    if isinstance(error, openai.APIStatusError):
        detail = " ".join(str(error.message).split())[:200]
        return f"the model server answered {error.status_code}: {detail}"
    return "the model server's answer could not be read: " + (" ".join(str(error).split())[:200] or type(error).__name__)


@contextmanager
def translated() -> Iterator[None]:
    try:
        yield
    except openai.OpenAIError as error:
        raise ProviderError(failure_message(error)) from error
    except MALFORMED as error:
        raise ProviderError(f"the model server answered with something that is not an OpenAI-style response "
                            f"({type(error).__name__}: {' '.join(str(error).split())[:120]}); is OPENAI_BASE_URL "
                            f"the server's /v1 address?") from error


class CheckedChatOpenAI(ChatOpenAI):
    """ChatOpenAI whose failures are ProviderErrors."""

    def _generate(self, *args: Any, **kwargs: Any) -> Any:
        with translated():
            result = super()._generate(*args, **kwargs)
        if not result.generations:  # {"choices": []}: LangChain would index the empty list later, outside this class
            raise ProviderError("the model server answered with no choices; is OPENAI_BASE_URL the server's /v1 "
                                "address?")
        return result

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        with translated():
            yield from super()._stream(*args, **kwargs)


class CheckedOpenAIEmbeddings(OpenAIEmbeddings):
    """OpenAIEmbeddings whose failures are ProviderErrors."""

    def embed_documents(self, texts: list[str], chunk_size: int | None = None, **kwargs: Any) -> list[list[float]]:
        with translated():
            return super().embed_documents(texts, chunk_size, **kwargs)

    def embed_query(self, text: str, **kwargs: Any) -> list[float]:
        with translated():
            return super().embed_query(text, **kwargs)
