"""Gradient boosting on the transaction features: temporal training, a threshold chosen on
validation, and per-transaction explanations.

Training (``train``) sorts labelled transactions by time, holds out the latest
``validation_share`` of them, fits LightGBM on the earlier part with early stopping on the
held-out part, and picks the threshold that maximises F1 there, for that very model (a refit
on everything moved the scores under the threshold and gained nothing measurable on AMLSim).
Negatives may be sampled down (``max_rows``, done by ``pipeline.training_data``) to bound
memory; their weight compensates.

Scoring (``score``) never reads labels: the features of a file's transactions come from that
file alone. ``explain`` gives each transaction's top features by their SHAP contribution
(LightGBM's ``pred_contrib``), so an analyst sees *why*: "12 new counterparties in 7 days".
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import numpy.typing as npt

from silobreak.finance.features import FEATURES

MODEL_FILE = "model.txt"
META_FILE = "model.json"

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class TrainConfig:
    validation_share: float = 0.2
    rounds: int = 600
    learning_rate: float = 0.02
    leaves: int = 63
    min_child: int = 10
    positive_weight: float = 5.0
    max_rows: int = 500_000
    seed: int = 7


@dataclass
class ModelMeta:
    features: list[str]
    threshold: float
    trees: int
    trained_at: str
    rows: int
    positives: int
    validation: dict[str, float]
    config: dict[str, Any] = field(default_factory=dict)
    sampled: int = 0  # rows the fit saw (negatives thinned beyond ``max_rows``)
    currency: str | None = None  # of the amounts it learnt from (None: several, unconverted)


@dataclass
class TrainedModel:
    booster: lgb.Booster
    meta: ModelMeta

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.booster.save_model(str(folder / MODEL_FILE))
        (folder / META_FILE).write_text(json.dumps(asdict(self.meta), indent=2) + "\n")

    @classmethod
    def load(cls, folder: Path) -> TrainedModel:
        meta_path, model_path = folder / META_FILE, folder / MODEL_FILE
        if not meta_path.exists() or not model_path.exists():
            raise FileNotFoundError(
                f"{folder}: not a model folder (needs {MODEL_FILE}, {META_FILE})"
            )
        meta = ModelMeta(**json.loads(meta_path.read_text()))
        if meta.features != list(FEATURES):
            raise ValueError(
                f"{folder}: model was trained on other features; train it again with this version"
            )
        return cls(lgb.Booster(model_file=str(model_path)), meta)

    def predict(self, x: Matrix) -> npt.NDArray[np.float64]:
        return np.asarray(self.booster.predict(x, num_iteration=self.meta.trees), dtype=float)

    def explain(self, x: Matrix, top: int = 3) -> list[list[tuple[str, float, float]]]:
        """For each row, the ``top`` features pushing the score up: (name, value, contribution)."""
        contrib = np.asarray(
            self.booster.predict(x, num_iteration=self.meta.trees, pred_contrib=True)
        )[:, :-1]
        out = []
        for row, values in zip(contrib, x, strict=True):
            order = np.argsort(-row)[:top]
            out.append(
                [
                    (self.meta.features[i], float(values[i]), float(row[i]))
                    for i in order
                    if row[i] > 0
                ]
            )
        return out


def _params(config: TrainConfig) -> dict[str, Any]:
    return {
        "objective": "binary",
        "learning_rate": config.learning_rate,
        "num_leaves": config.leaves,
        "min_child_samples": config.min_child,
        "scale_pos_weight": config.positive_weight,
        "max_bin": 63,
        "feature_fraction": 0.8,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "seed": config.seed,
        # with "deterministic", LightGBM still picks row- or column-wise histograms by timing
        # them: fixing the choice makes two runs on the same data give the same model
        "deterministic": True,
        "force_col_wise": True,
        "num_threads": 0,
        "verbose": -1,
    }


def best_threshold(
    labels: npt.NDArray[np.bool_],
    scores: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float32] | None = None,
) -> tuple[float, float]:
    """The score threshold with the best F1 on (labels, scores), and that F1; ``weights``
    count a sampled-down negative for the many it stands for."""
    w = np.ones(len(labels)) if weights is None else weights.astype(float)
    order = np.argsort(-scores, kind="stable")
    ranked, hits, w = scores[order], labels[order].astype(float), w[order]
    tp = np.cumsum(hits * w)
    positives = float((hits * w).sum())
    if positives == 0:
        return 0.5, 0.0
    f1 = 2 * tp / (np.cumsum(w) + positives)
    # only cut between distinct scores
    last_of_tie = np.r_[ranked[1:] != ranked[:-1], True]
    f1 = np.where(last_of_tie, f1, -1.0)
    i = int(np.argmax(f1))
    return float(ranked[i]), float(f1[i])


def train(
    x: Matrix,
    y: npt.NDArray[np.bool_],
    config: TrainConfig | None = None,
    weights: npt.NDArray[np.float32] | None = None,
    rows: int | None = None,
) -> TrainedModel:
    """Fit on rows sorted by time (``x``, ``y`` and ``weights`` already in time order);
    ``rows`` is the number of transactions they were sampled from."""
    config = config or TrainConfig()
    w = np.ones(len(y), dtype=np.float32) if weights is None else weights
    if int(y.sum()) == 0:
        raise ValueError("no laundering transactions in the training data: nothing to learn")
    cut = int(len(y) * (1 - config.validation_share))
    if y[cut:].sum() == 0 or y[:cut].sum() == 0:
        raise ValueError(
            "the laundering transactions all fall on one side of the temporal validation split; "
            "give a longer period"
        )
    params = _params(config)
    fit = lgb.train(
        params,
        lgb.Dataset(x[:cut], y[:cut], weight=w[:cut], feature_name=list(FEATURES)),
        num_boost_round=config.rounds,
        valid_sets=[lgb.Dataset(x[cut:], y[cut:], weight=w[cut:])],
        callbacks=[lgb.early_stopping(30, verbose=False)],
    )
    trees = max(1, int(fit.best_iteration or config.rounds))
    valid_scores = np.asarray(fit.predict(x[cut:], num_iteration=trees), dtype=float)
    threshold, valid_f1 = best_threshold(y[cut:], valid_scores, w[cut:])
    flagged = valid_scores >= threshold
    tp = float((flagged & y[cut:]).sum())
    validation = {
        "f1": round(valid_f1, 4),
        "precision": round(tp / max(1.0, float((w[cut:] * flagged).sum())), 4),
        "recall": round(tp / float(y[cut:].sum()), 4),
        "rows": float(len(y) - cut),
        "positives": float(y[cut:].sum()),
    }
    booster = fit
    meta = ModelMeta(
        features=list(FEATURES),
        threshold=threshold,
        trees=trees,
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        rows=rows or len(y),
        positives=int(y.sum()),
        sampled=len(y),
        validation=validation,
        config=asdict(config),
    )
    return TrainedModel(booster, meta)
