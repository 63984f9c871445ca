"""Study data -> effect table (``yi``, ``vi``): the first of metafor's two stages."""

from evisynth.effects.compute import compute_effects
from evisynth.effects.table import MEASURES, RATIO_MEASURES, EffectTable

__all__ = ["MEASURES", "RATIO_MEASURES", "EffectTable", "compute_effects"]
