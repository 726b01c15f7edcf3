from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def mini_corpus(tmp_path: Path) -> Path:
    """A copy of the three-article fixture corpus, safe to add files to."""
    dst = tmp_path / "corpus"
    shutil.copytree(DATA / "mini", dst)
    return dst
