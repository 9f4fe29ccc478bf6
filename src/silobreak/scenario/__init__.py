"""Synthetic multi-organization scenarios with planted convergences, decoys and an answer key."""

from silobreak.scenario.generate import MANIFEST, TRUTH, ScenarioInfo, generate

__all__ = ["MANIFEST", "TRUTH", "ScenarioInfo", "generate"]
