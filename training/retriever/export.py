"""export: the trained embedder as ONNX with the product's embedder's interface (inputs input_ids, attention_mask,
token_type_ids; first output the token vectors, pooled by the caller), then with int8 weights (weight_only_int8)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import torch

from training.reader.common import write_json
from training.reader.onnxio import INPUTS, OPSET, session

from .model import Embedder, with_low_rank
from .train import PASSAGE_TOKENS, collate, encode, tokenizer

OUTPUT = "last_hidden_state"
CHECK_TEXTS = ["Which company did the FTC sue this week?",
               "The Federal Trade Commission sued Amazon on Tuesday, alleging it tricked millions of customers.",
               "Russia and Kuwait agreed on the need to stop the war in Gaza and let aid in."]


def weight_only_int8(float_path: Path, int8_path: Path) -> None:
    """Int8 weights, float arithmetic, as the product's base embedder is stored: every MatMul weight (per output
    column) and the word-embedding table (per row) kept as int8 with a scale, cast back to float in the graph.
    Dynamic quantization (the reader's) also rounds the activations: the vectors then drift (cosine about 0.97 to
    float), which moves a retriever's ranking; this stays at 0.999."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(float_path))
    graph = model.graph
    weights = {t.name: t for t in graph.initializer}
    targets = {(n.input[1], 0) for n in graph.node if n.op_type == "MatMul" and n.input[1] in weights}
    targets |= {(n.input[0], 1) for n in graph.node if n.op_type == "Gather" and n.input[0] in weights}
    nodes = []
    for name, axis in sorted(targets):
        array = numpy_helper.to_array(weights[name]).astype(np.float32)
        if array.ndim != 2 or min(array.shape) < 64:
            continue  # biases, norms, low-rank factors: small, and kept exact
        scale = np.maximum(np.abs(array).max(axis=axis, keepdims=True), 1e-12) / 127.0
        quantized = np.clip(np.round(array / scale), -127, 127).astype(np.int8)
        graph.initializer.remove(weights[name])
        graph.initializer.extend([numpy_helper.from_array(quantized, f"{name}_q"),
                                  numpy_helper.from_array(scale.astype(np.float32), f"{name}_scale")])
        nodes += [helper.make_node("Cast", [f"{name}_q"], [f"{name}_f"], to=onnx.TensorProto.FLOAT),
                  helper.make_node("Mul", [f"{name}_f", f"{name}_scale"], [name])]
    for i, node in enumerate(nodes):
        graph.node.insert(i, node)
    onnx.checker.check_model(model)
    onnx.save(model, str(int8_path))


def export(args) -> None:
    run: Path = args.run
    state = torch.load(run / "last.pt", weights_only=False)
    model = Embedder()
    if state["args"].get("low_rank"):
        with_low_rank(model, state["args"]["low_rank"])
    model.load_state_dict(state["model"])
    model.eval()
    out = run / "export"
    out.mkdir(parents=True, exist_ok=True)
    float_path, int8_path = out / "embedder.onnx", out / "embedder-int8.onnx"
    dummy = tuple(torch.ones(2, 16, dtype=torch.long) for _ in range(2)) + (torch.zeros(2, 16, dtype=torch.long),)
    with torch.no_grad():
        torch.onnx.export(model, dummy, str(float_path), input_names=list(INPUTS), output_names=[OUTPUT],
                          dynamic_axes={n: {0: "batch", 1: "sequence"} for n in (*INPUTS, OUTPUT)},
                          opset_version=OPSET, dynamo=False, do_constant_folding=True)
    weight_only_int8(float_path, int8_path)
    tok = tokenizer(PASSAGE_TOKENS)
    ours = encode(model, CHECK_TEXTS, tok)
    feed = {k: v.numpy() for k, v in collate(CHECK_TEXTS, tok).items()}
    tokens = session(int8_path).run(None, feed)[0]
    mask = feed["attention_mask"][..., None]
    pooled = (tokens * mask).sum(1) / mask.sum(1)
    pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
    report = {"step": state["step"], "dev": state["history"][-1], "args": state["args"],
              "int8_cosine_to_float": [round(float(a @ b), 4) for a, b in zip(ours, pooled)],
              "int8_bytes": int8_path.stat().st_size,
              "int8_sha256": hashlib.sha256(int8_path.read_bytes()).hexdigest()}
    write_json(out / "export_report.json", report)
    print(json.dumps({k: report[k] for k in ("step", "int8_cosine_to_float", "int8_bytes")}))
