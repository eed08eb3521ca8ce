"""docs/SECURITY.md names the tests covering each threat: every name it cites must exist, and
the document keeps all 34 items."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "SECURITY.md").read_text(encoding="utf-8")


def _cited() -> list[tuple[str, str]]:
    """(file, test) pairs: `tests/x.py::test_a` and the `::test_b` that follow it on the line."""
    pairs = []
    for line in DOC.splitlines():
        current = None
        for path, name in re.findall(r"`(tests/[\w/]+\.py)?::(test_\w+)", line):
            current = path or current
            pairs.append((current, name))
    return pairs


def test_the_threat_model_keeps_its_34_items():
    numbers = [int(n) for n in re.findall(r"^(\d+)\. ", DOC, flags=re.M)]
    assert numbers == list(range(1, 35))


def test_every_test_the_threat_model_cites_exists():
    cited = _cited()
    assert len(cited) > 40
    missing = [
        f"{path}::{name}" for path, name in cited
        if path is None or not re.search(rf"^\s*def {name}\(", (ROOT / path).read_text(encoding="utf-8"), flags=re.M)
    ]
    assert not missing
