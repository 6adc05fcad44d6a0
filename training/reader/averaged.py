"""Readers averaged weight by weight ("model soups"), and a float checkpoint rebuilt from an exported int8 reader
(so a shipped reader whose float checkpoint was not kept can still be averaged)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import torch

from .checkpoints import save
from .common import run_config, write_json
from .model import Config, Reader
from .onnxio import dequantized, export_float, exported_as, initializers


def average(runs: list[Path], out: Path, checkpoint: str = "best.pt") -> dict:
    """OUT/best.pt: the uniform average of the runs' checkpoints (same architecture and frozen embeddings), and
    OUT/config.json: the last run's settings with the list of what was averaged."""
    _require([run / checkpoint for run in runs])
    states = [torch.load(run / checkpoint, weights_only=False) for run in runs]
    names = states[0]["model"].keys()
    if any(s["model"].keys() != names for s in states):
        raise SystemExit("the checkpoints hold different parameters: not the same reader architecture")
    model = {name: sum(s["model"][name].float() for s in states) / len(states) for name in names}
    made = {"averaged": [str(run / checkpoint) for run in runs], "steps": [s.get("step") for s in states]}
    out.mkdir(parents=True, exist_ok=True)
    save(out / "best.pt", {"model": model, "step": None, "args": states[-1].get("args"), **made})
    write_json(out / "config.json", {**run_config(runs[-1]), **made})
    return made


def from_int8(onnx_path: Path, out: Path, seed: int = 0) -> int:
    """OUT/best.pt from an exported reader-int8.onnx; returns how many parameters were filled (all of them).

    The exporter names only some weights after the module (biases, norms, embeddings); the others get generated
    names. A float export of a reader whose every parameter holds distinct random values maps each generated name
    to its parameter by value; the int8 model's tensors of the same names are then dequantized."""
    _require([onnx_path])
    probe = Reader(Config(dropout=0.0))
    torch.manual_seed(seed)
    with torch.no_grad():
        for p in probe.parameters():
            p.copy_(torch.randn_like(p))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "probe.onnx"
        export_float(probe, path)
        exported = initializers(path)
    stored = initializers(onnx_path)
    state = {}
    for name, value in probe.state_dict().items():
        onnx_name, transposed = exported_as(value.numpy(), exported)
        weight = dequantized(stored, onnx_name)
        state[name] = torch.from_numpy(np.array(weight.T if transposed else weight, dtype=np.float32))
    probe.load_state_dict(state)
    out.mkdir(parents=True, exist_ok=True)
    save(out / "best.pt", {"model": probe.state_dict(), "step": None, "args": None, "rebuilt_from": str(onnx_path)})
    write_json(out / "config.json", {"rebuilt_from": str(onnx_path)})
    return len(state)


def _require(paths: list[Path]) -> None:
    if missing := [str(p) for p in paths if not p.is_file()]:
        raise SystemExit(f"no such file: {', '.join(missing)}")
