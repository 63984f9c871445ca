"""The bundled example review, end to end (``evisynth demo``)."""

from __future__ import annotations

from evisynth.examples.demo import run_demo

__all__ = ["run_demo"]
