"""Reading weights back out of an exported reader: names found by value, int8 tensors dequantized."""

import numpy as np
import pytest

from training.reader.onnxio import dequantized, exported_as


def test_a_weight_is_found_under_its_export_name_as_stored_or_transposed():
    rng = np.random.default_rng(0)
    bias, matrix = rng.normal(size=4).astype(np.float32), rng.normal(size=(3, 4)).astype(np.float32)
    exported = {"layer.bias": bias, "onnx::MatMul_7": matrix.T.copy()}
    assert exported_as(bias, exported) == ("layer.bias", False)
    assert exported_as(matrix, exported) == ("onnx::MatMul_7", True)
    with pytest.raises(SystemExit):
        exported_as(rng.normal(size=4).astype(np.float32), exported)


def test_int8_tensors_come_back_as_q_minus_zero_point_times_scale_and_a_gemm_weight_untransposed():
    q = np.array([[-2, 0], [4, 127]], dtype=np.int8)
    stored = {
        "kept": np.ones(2, dtype=np.float32),
        "w_quantized": q, "w_zero_point": np.array([1, 0], dtype=np.int8), "w_scale": np.array([0.5, 2.0], np.float32),
        "g_Transposed_quantized": q, "g_Transposed_zero_point": np.zeros(2, np.int8),
        "g_Transposed_scale": np.array([1.0, 1.0], np.float32),
    }
    assert dequantized(stored, "kept").tolist() == [1.0, 1.0]
    assert dequantized(stored, "w").tolist() == [[-1.5, 0.0], [1.5, 254.0]]
    assert dequantized(stored, "g").tolist() == [[-2.0, 4.0], [0.0, 127.0]]
    with pytest.raises(SystemExit):
        dequantized(stored, "missing")
