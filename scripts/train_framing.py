"""Train the small framing classifier on sentences we composed (src/newsprism/data/framing_train.tsv).

Logistic regression over the sentence's words plus the lexicon's evidence by kind (see
``newsprism.framing.classifier_features``). Writes src/newsprism/data/framing_model.json (a few
thousand weights as plain JSON: no pickle, nothing executable). Prints 5-fold cross-validated
accuracy on the composed sentences; the real evaluation is benchmarks/eval_bias.py.

    PYTHONPATH=src python scripts/train_framing.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "src" / "newsprism" / "data"


def load() -> tuple[list[str], list[int]]:
    texts, labels = [], []
    for line in (DATA / "framing_train.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, text = line.split("\t", 1)
        texts.append(text)
        labels.append(int(label))
    return texts, labels


def main() -> int:
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--features", choices=["words", "embed"], default="embed",
                    help="words: words + lexicon; embed: static sentence embedding + lexicon")
    ap.add_argument("--encoder", default="static")
    args = ap.parse_args()
    if args.features == "embed":
        return train_embed(args.encoder)
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline

    from newsprism.framing import classifier_features, detect

    texts, labels = load()
    feats = [classifier_features(t, detect(t)) for t in texts]
    c = 1.0
    pipe = make_pipeline(DictVectorizer(), LogisticRegression(C=c, max_iter=2000))
    cv = cross_val_score(pipe, feats, labels, cv=5, scoring="f1_macro")
    print(f"{len(texts)} composed sentences ({sum(labels)} loaded); 5-fold macro-F1 {cv.mean():.3f} +- {cv.std():.3f}")
    pipe.fit(feats, labels)
    vec, lr = pipe.steps[0][1], pipe.steps[1][1]
    weights = {name: round(float(w), 5) for name, w in zip(vec.get_feature_names_out(), lr.coef_[0]) if abs(w) > 1e-4}
    weights["bias"] = round(weights.get("bias", 0.0) + float(lr.intercept_[0]), 5)
    model = {"kind": "logistic-regression", "features": "words+lexicon", "C": c, "trained_on": "framing_train.tsv",
             "n": len(texts), "weights": weights}
    out = DATA / "framing_model.json"
    out.write_text(json.dumps(model, indent=0, sort_keys=True), encoding="utf-8")
    print(f"wrote {out} ({len(weights)} weights)")
    return 0


def train_embed(encoder: str) -> int:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    from newsprism.embed import get_encoder
    from newsprism.framing import detect, lexicon_features

    texts, labels = load()
    names = ["bias", "lex", "k=label", "k=loaded_verb", "k=intensifier", "k=presupposition", "k=opinion"]
    lexf = np.array([[lexicon_features(detect(t)).get(n, 0.0) for n in names] for t in texts])
    emb = get_encoder(encoder).encode(texts)
    x = np.hstack([lexf[:, 1:], emb])
    c = 1.0
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    cv = cross_val_score(LogisticRegression(C=c, max_iter=5000), x, labels, cv=folds, scoring="f1_macro")
    print(f"{len(texts)} composed sentences ({sum(labels)} loaded); 5-fold macro-F1 {cv.mean():.3f} +- {cv.std():.3f}")
    lr = LogisticRegression(C=c, max_iter=5000).fit(x, labels)
    coef = lr.coef_[0]
    k = len(names) - 1
    weights = {n: round(float(w), 6) for n, w in zip(names[1:], coef[:k])}
    weights["bias"] = round(float(lr.intercept_[0]), 6)
    model = {"kind": "logistic-regression", "features": "embed+lexicon", "encoder": encoder, "C": c,
             "trained_on": "framing_train.tsv", "n": len(texts), "weights": weights,
             "embedding_weights": [round(float(w), 6) for w in coef[k:]]}
    out = DATA / "framing_model.json"
    out.write_text(json.dumps(model, sort_keys=True), encoding="utf-8")
    print(f"wrote {out} ({len(coef)} weights, encoder {encoder})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
