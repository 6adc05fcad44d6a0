"""A LangChain chat model over llama.cpp, for GGUF files on the CPU (the offline default).

The model runs in a process of its own (`llamacpp_worker`): a native crash there ends that process, not the
assistant, and becomes a one-line error; the next question starts a new process."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from typing import IO, Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.config import default
from assistant.errors import ProviderError

ROLES = {"human": "user", "ai": "assistant", "system": "system"}
WHAT_TO_DO = ("answer with --mode extractive (no language model), or set OPENAI_BASE_URL to a model server "
              "(see README, 'Model providers')")


class LocalModelError(ProviderError):
    """The local model could not answer: it failed to load, refused the prompt, or its process died."""


def worker_command(path: str, context: int, threads: int) -> list[str]:
    return [sys.executable, "-m", "assistant.providers.llamacpp_worker", path, str(context), str(threads)]


class ModelProcess:
    """One running model process, started on demand and again after it dies. One request at a time: a llama.cpp
    context is not thread-safe, and the replies of two requests would interleave on the pipe."""

    def __init__(self, command: list[str]):
        self.command = command
        self._process: subprocess.Popen[str] | None = None
        self._log: IO[bytes] | None = None
        self._ready = False
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start loading now (it overlaps with retrieval); the first request waits for it."""
        if self._process is None or self._process.poll() is not None:
            self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the process
            self._process = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             stderr=self._log, text=True, encoding="utf-8", bufsize=1)
            self._ready = False

    def chat(self, request: dict[str, Any]) -> Iterator[str]:
        """The reply's text, piece by piece as the model writes it."""
        with self._lock:
            self.start()
            try:
                yield from self._exchange(request)
            except BaseException:  # interrupted mid-reply: the rest of it would be read as the next reply
                if self._process is not None and self._process.poll() is None:
                    self.stop()
                raise

    def _exchange(self, request: dict[str, Any]) -> Iterator[str]:
        if not self._ready:
            self._expect_ready()
        assert self._process is not None and self._process.stdin is not None
        try:
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
        except BrokenPipeError:
            raise self._died() from None
        while True:
            message = self._read()
            if "delta" in message:
                yield message["delta"]
            elif message.get("done"):
                return
            else:
                raise _failure(message)

    def _expect_ready(self) -> None:
        message = self._read()
        if not message.get("ready"):
            self.stop()
            raise _failure(message)
        self._ready = True

    def _read(self) -> dict[str, Any]:
        assert self._process is not None and self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise self._died()
        return json.loads(line)

    def _died(self) -> LocalModelError:
        assert self._process is not None
        code = self._process.wait()
        how = f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited with status {code}"
        self._process = None
        return LocalModelError(f"the local model's process {how} before it finished; nothing was lost, "
                               f"but this answer has no model text: {WHAT_TO_DO}{self._log_tail()}")

    def _log_tail(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        lines = [line for line in self._log.read().decode("utf-8", "replace").splitlines() if line.strip()]
        return f" (its last words: {lines[-1].strip()[:200]})" if lines else ""

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None


def _failure(message: dict[str, Any]) -> LocalModelError:
    if message.get("kind") == "context":
        return LocalModelError(f"the prompt is too long for the model ({message['error']}); ask a shorter question, "
                               f"or raise ASSISTANT_CONTEXT_WINDOW")
    return LocalModelError(f"the local model failed: {message.get('error', message)}; {WHAT_TO_DO}")


_processes: dict[tuple[str, ...], ModelProcess] = {}
_processes_lock = threading.Lock()


def model_process(command: list[str]) -> ModelProcess:
    """One process per model file and settings, shared by every chat model made for them: loading costs time."""
    with _processes_lock:
        return _processes.setdefault(tuple(command), ModelProcess(command))


class LlamaCppChat(BaseChatModel):
    """Chat completions from a GGUF file, with the file's own chat template applied, written in a child process."""

    model_path: str
    context_window: int = default("context_window")
    threads: int = default("threads")
    temperature: float = default("temperature")
    max_tokens: int = default("max_tokens")
    repeat_penalty: float = default("repeat_penalty")
    command: list[str] | None = None  # the worker to run; None: assistant.llamacpp_worker for model_path

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "temperature": self.temperature, "max_tokens": self.max_tokens}

    @property
    def process(self) -> ModelProcess:
        return model_process(self.command or worker_command(self.model_path, self.context_window, self.threads))

    def _pieces(self, messages: list[BaseMessage], stop: list[str] | None) -> Iterator[str]:
        return self.process.chat({
            "messages": [{"role": ROLES.get(m.type, "user"), "content": m.text} for m in messages],
            "temperature": self.temperature, "max_tokens": self.max_tokens, "stop": stop or [],
            "repeat_penalty": self.repeat_penalty})

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(self._pieces(messages, stop))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for delta in self._pieces(messages, stop):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
            if run_manager:
                run_manager.on_llm_new_token(delta, chunk=chunk)
            yield chunk
