"""A stand-in for assistant.providers.llamacpp_worker that follows a script, to test what the assistant does when the
model's process dies. It speaks the same protocol; each request takes the next line of the script file (shared
across restarts): `answer TEXT` replies TEXT, `crash` writes half a reply and dies by SIGSEGV as a native fault
would. An empty script answers that the documents don't say.

    python tests/scripted_worker.py SCRIPT_FILE
"""

import json
import os
import signal
import sys
from pathlib import Path


def send(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def next_step(script: Path) -> str:
    steps = script.read_text().splitlines()
    script.write_text("".join(f"{step}\n" for step in steps[1:]))
    return steps[0] if steps else "answer The documents don't say."


def main() -> None:
    script = Path(sys.argv[1])
    send({"ready": True})
    for _ in sys.stdin:
        step = next_step(script)
        if step == "crash":
            send({"delta": "Half an"})
            os.kill(os.getpid(), signal.SIGSEGV)
        send({"delta": step.removeprefix("answer ")})
        send({"done": True})


if __name__ == "__main__":
    main()
