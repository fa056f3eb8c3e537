"""The clause cutter of the text rules (``themes.text._slice``): the pieces it cuts are the bytes
asked for, the same as the plain numpy gather it replaced (``_slice_by_index``)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from chronology.themes.text import _slice, _slice_by_index

_WORDS = ["a", "bé", "c’d", "", "long text here. ", "x;y", "Cassie\n"]


@pytest.mark.parametrize("seed", range(40))
def test_slice_cuts_the_bytes_asked_for(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    values = ["".join(rng.choice(_WORDS, int(rng.integers(0, 6)))) for _ in range(n)]
    arr = pa.array(values, pa.large_string())
    if seed % 2 and n > 2:  # a sliced array: its offsets do not start at zero
        arr = arr.slice(1, n - 2)
    raw = [v.encode() for v in arr.to_pylist()]
    lens = np.array([len(r) for r in raw], dtype="int64")
    start = (rng.random(len(arr)) * (lens + 1)).astype("int64")
    nbytes = ((lens - start) * rng.random(len(arr))).astype("int64")
    cut = _slice(arr, start, nbytes)
    assert cut.type == pa.large_string()
    assert len(cut) == len(arr)
    assert cut.cast(pa.large_binary()).to_pylist() == [r[s : s + k] for r, s, k in zip(raw, start, nbytes, strict=True)]
    assert cut.equals(_slice_by_index(arr, start, nbytes))


def test_slice_of_pieces_out_of_order_falls_back() -> None:
    arr = pa.array(["abcdef", "gh"], pa.large_string())
    # the first piece runs past its own string into the next: not in order, gathered by index
    cut = _slice(arr, np.array([4, 0]), np.array([4, 2]))
    assert cut.to_pylist() == ["efgh", "gh"]
    assert len(_slice(arr.slice(0, 0), np.zeros(0, "int64"), np.zeros(0, "int64"))) == 0
