"""ONNX export, int8 quantization, and running the exported model (what the product's run time will do)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OUTPUTS = ("start_logits", "end_logits", "sentence_logits", "na_logit")
OPSET = 17


def export_float(reader, path: Path) -> None:
    """The reader as float ONNX, batch and sequence dynamic (TorchScript exporter: a plain, small graph)."""
    import torch
    reader.eval()
    dummy = (torch.ones(2, 16, dtype=torch.long), torch.ones(2, 16, dtype=torch.long),
             torch.zeros(2, 16, dtype=torch.long))
    axes = {name: {0: "batch", 1: "sequence"} for name in INPUTS + OUTPUTS[:3]}
    axes["na_logit"] = {0: "batch"}
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(reader, dummy, str(path), input_names=list(INPUTS), output_names=list(OUTPUTS),
                          dynamic_axes=axes, opset_version=OPSET, dynamo=False, do_constant_folding=True)


def quantize(float_path: Path, int8_path: Path) -> None:
    """onnxruntime dynamic quantization: int8 weights for MatMul/Gather, activations quantized at run time."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    quantize_dynamic(str(float_path), str(int8_path), weight_type=QuantType.QInt8, per_channel=True,
                     op_types_to_quantize=["MatMul", "Gather"])


def session(path: Path, threads: int = 2):
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def pad_batch(encodings: list[tuple[list[int], list[int]]]) -> dict[str, np.ndarray]:
    """(ids, type_ids) pairs -> padded int64 inputs."""
    width = max(len(ids) for ids, _ in encodings)
    feed = {name: np.zeros((len(encodings), width), dtype=np.int64) for name in INPUTS}
    for row, (ids, types) in enumerate(encodings):
        feed["input_ids"][row, : len(ids)] = ids
        feed["attention_mask"][row, : len(ids)] = 1
        feed["token_type_ids"][row, : len(types)] = types
    return feed


def run(sess, encodings, batch: int = 16) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, float]]:
    """Per passage: (start, end, sentence logits, cut to its length), no-answer logit."""
    results = []
    for i in range(0, len(encodings), batch):
        part = encodings[i: i + batch]
        start, end, sent, na = sess.run(list(OUTPUTS), pad_batch(part))
        for row, (ids, _) in enumerate(part):
            n = len(ids)
            results.append((start[row, :n], end[row, :n], sent[row, :n], float(na[row])))
    return results


def latency(path: Path, encodings, passages: int = 16, repeats: int = 5, threads: int = 2,
            batch: int = 16) -> dict:
    """Wall time for one question's `passages` passages (one batch unless `batch` is smaller), best and median."""
    sess = session(path, threads)
    chosen = (encodings * (passages // max(1, len(encodings)) + 1))[:passages]
    run(sess, chosen, batch)  # warm up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        run(sess, chosen, batch)
        times.append(time.perf_counter() - t)
    times.sort()
    return {"passages": passages, "tokens_mean": round(float(np.mean([len(e[0]) for e in chosen])), 1),
            "load_average_1min_at_end": round(os.getloadavg()[0], 2),
            "tokens_max": max(len(e[0]) for e in chosen), "threads": threads, "batch": batch,
            "best_ms": round(1000 * times[0], 1), "median_ms": round(1000 * times[len(times) // 2], 1),
            "per_passage_ms": round(1000 * times[len(times) // 2] / passages, 1)}


def initializers(path: Path) -> dict[str, np.ndarray]:
    """An ONNX file's stored tensors by name."""
    import onnx
    from onnx import numpy_helper
    return {t.name: numpy_helper.to_array(t) for t in onnx.load(str(path)).graph.initializer}


def exported_as(value: np.ndarray, exported: dict[str, np.ndarray]) -> tuple[str, bool]:
    """The name under which an export stores VALUE, and whether it stores it transposed (a MatMul's weight)."""
    for name, array in exported.items():
        if array.shape == value.shape and np.array_equal(array, value):
            return name, False
        if array.ndim == 2 and array.shape == value.T.shape and np.array_equal(array, value.T):
            return name, True
    raise SystemExit("a parameter is missing from the float export: the exporter changed")


def dequantized(stored: dict[str, np.ndarray], name: str) -> np.ndarray:
    """The named tensor of the int8 model as float: kept as it was, or (q - zero point) * scale; a Gemm's weight
    is quantized transposed."""
    if name in stored:
        return stored[name]
    for key, transpose in ((name, False), (name + "_Transposed", True)):
        if key + "_quantized" in stored:
            q = stored[key + "_quantized"].astype(np.float32) - stored[key + "_zero_point"].astype(np.float32)
            weight = q * stored[key + "_scale"]
            return weight.T if transpose else weight
    raise SystemExit(f"{name} is not in the int8 model: was it exported by this code?")
