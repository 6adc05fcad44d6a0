"""llama.cpp's own OpenAI-compatible server (the `server` extra of llama-cpp-python), with the model parameters the
local model uses: no extra buffer types, whose AMX kernels crash on some CPUs. Same arguments as
`python -m llama_cpp.server`:

    python -m assistant.providers.llamacpp_server --model FILE.gguf --model_alias smollm2 --host 127.0.0.1 --port 8080
"""

from __future__ import annotations

from assistant.providers.llamacpp_worker import without_extra_buffers


def main() -> None:
    without_extra_buffers()
    from llama_cpp.server.__main__ import main as serve

    serve()


if __name__ == "__main__":
    main()
