"""Synthetic water-army corpus with ground truth (`workbench synth`).

    from workbench.synth import generate
    manifest = generate("data/raw/synth", posts=100_000, seed=0, scenario="default")

See docs/synth.md for every knob and what each scenario is meant to test.
"""
from workbench.synth.config import SCENARIOS, SynthConfig, resolve_config
from workbench.synth.generator import GENERATOR_VERSION, SynthManifest, generate

__all__ = ["generate", "SynthManifest", "SynthConfig", "SCENARIOS", "resolve_config", "GENERATOR_VERSION"]
