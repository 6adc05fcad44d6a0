"""The local model's speed on this CPU: load time, time to the first token and tokens/s, with llama.cpp's extra
buffer types (AMX and repacked-weight kernels) and without them (what the assistant uses), each run in a child
process so that a native crash is reported, not fatal. Also the assistant's own path (the model in its worker
process) from the first request to the first token.

    python benchmarks/local_model.py [--runs 3] [--prompt-tokens 500] [--build-python PATH]

--build-python: measure the llama-cpp-python build installed for another interpreter (e.g. a venv holding a build
made with other CMAKE_ARGS, or without AMX kernels); the worker line always uses this one. Nothing else should run
beside it (2 cores: llama.cpp's threads spin while they wait).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EVIDENCE = ("[{i}] The Kuwaiti minister said both sides agreed on the importance of stopping the war in Gaza "
            "immediately and allowing humanitarian aid to enter the Strip, after talks in Moscow on Tuesday.")


def messages(prompt_tokens: int) -> list[dict[str, str]]:
    count = max(1, prompt_tokens // 40)  # one evidence line is about 40 tokens
    evidence = "\n".join(EVIDENCE.format(i=i) for i in range(1, count + 1))
    return [{"role": "system", "content": "Answer from the numbered evidence and cite it like [1]."},
            {"role": "user", "content": f"{evidence}\nQuestion: What did Russia and Kuwait agree on Gaza?"}]


def measure_in_child(extra_buffers: bool, runs: int, prompt_tokens: int, python: str) -> dict:
    """One child process: load the packaged model, answer the same prompt `runs` times (the prompt cache reset)."""
    code = f"""
import json, time
from assistant.providers.llamacpp_worker import default_gguf
import assistant.providers.llamacpp_worker as worker
if not {extra_buffers}:
    worker.without_extra_buffers()
from llama_cpp import Llama
start = time.perf_counter()
llama = Llama(model_path=str(default_gguf()), n_ctx=2048, n_threads=2, n_threads_batch=2, verbose=False, seed=0)
load = time.perf_counter() - start
results = []
for _ in range({runs}):
    llama.reset()
    llama._ctx.memory_clear(True) if hasattr(llama._ctx, "memory_clear") else None
    start, first, pieces = time.perf_counter(), None, 0
    for part in llama.create_chat_completion(messages={messages(prompt_tokens)!r}, max_tokens=64, temperature=0.0,
                                             stream=True):
        if part["choices"][0]["delta"].get("content"):
            pieces += 1
            first = first or time.perf_counter() - start
    total = time.perf_counter() - start
    results.append({{"first": first, "rate": (pieces - 1) / (total - first)}})
print(json.dumps({{"load": load, "runs": results}}))
"""
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        return {"crashed": done.returncode, "stderr": done.stderr.strip().splitlines()[-1:] or [""]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_worker(prompt_tokens: int) -> dict:
    """The assistant's path: start the worker process, then the first request's first token."""
    from assistant.providers.llamacpp import ModelProcess, worker_command
    from assistant.providers.llamacpp_worker import default_gguf

    process = ModelProcess(worker_command(str(default_gguf()), 2048, 2))
    start = time.perf_counter()
    process.start()
    pieces = process.chat({"messages": messages(prompt_tokens), "temperature": 0.0, "max_tokens": 64, "stop": [],
                           "repeat_penalty": 1.15})
    next(pieces)
    first = time.perf_counter() - start
    for _ in pieces:
        pass
    process.stop()
    return {"start_to_first_token": first}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--prompt-tokens", type=int, default=500)
    parser.add_argument("--build-python", default=sys.executable)
    args = parser.parse_args()
    print(f"llama-cpp-python build of {args.build_python}; prompt ~{args.prompt_tokens} tokens, {args.runs} runs")
    print(f"{'extra buffers':<14} {'load s':>7} {'first token s (median)':>23} {'tokens/s (median)':>18}")
    rows = {}
    for extra in (True, False):
        row = rows[extra] = measure_in_child(extra, args.runs, args.prompt_tokens, args.build_python)
        if "crashed" in row:
            print(f"{'on' if extra else 'off':<14} crashed (exit {row['crashed']}) {row['stderr'][0][:80]}")
            continue
        first = statistics.median(r["first"] for r in row["runs"])
        rate = statistics.median(r["rate"] for r in row["runs"])
        row.update(first=first, rate=rate)
        print(f"{'on' if extra else 'off':<14} {row['load']:>7.2f} {first:>23.3f} {rate:>18.1f}")
    if "first" in rows[True] and "first" in rows[False]:
        print(f"off / on: first token x{rows[False]['first'] / rows[True]['first']:.2f}, "
              f"tokens/s x{rows[False]['rate'] / rows[True]['rate']:.2f}")
    worker = measure_worker(args.prompt_tokens)
    print(f"assistant's worker process, start to first token: {worker['start_to_first_token']:.2f} s "
          f"(load + first token above: {rows[False].get('load', 0) + rows[False].get('first', 0):.2f} s)")


if __name__ == "__main__":
    main()
