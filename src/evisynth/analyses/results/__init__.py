"""Typed results of an analysis: frozen dataclasses that every layer above ``analyses`` reads.

The analysis document (``evisynth analyze --json``) is one way of saving them
(:meth:`Record.to_dict`), read back with :meth:`Record.from_dict`.
"""

from evisynth.analyses.results._record import Record, SummaryText, exp_or_none, number, plain
from evisynth.analyses.results.bias import (
    BeggTest,
    EggerMixed,
    EggerTest,
    FailSafeN,
    FilledStudy,
    PublicationBias,
    TrimAndFill,
)
from evisynth.analyses.results.dependent import MultilevelSection, RobustSection
from evisynth.analyses.results.figures import BaujatPoint, BubbleFit, FigureData
from evisynth.analyses.results.pooled import Heterogeneity, Pooled, StudyRow, Totals
from evisynth.analyses.results.regression import Coefficient, MetaRegression, ModeratorTerm, PermutationInfo, Prediction
from evisynth.analyses.results.sensitivity import CumulativeRow, InfluenceRow, LeaveOneOutRow, Sensitivity
from evisynth.analyses.results.subgroups import SubgroupAnalysis, SubgroupDifference, SubgroupGroup

__all__ = [
    "BaujatPoint", "BeggTest", "BubbleFit", "Coefficient", "CumulativeRow", "EggerMixed", "EggerTest", "FailSafeN",
    "FigureData", "FilledStudy", "Heterogeneity", "InfluenceRow", "LeaveOneOutRow", "MetaRegression",
    "ModeratorTerm", "MultilevelSection", "PermutationInfo", "Pooled", "Prediction", "PublicationBias", "Record",
    "RobustSection", "Sensitivity",
    "StudyRow", "SubgroupAnalysis", "SubgroupDifference", "SubgroupGroup", "SummaryText", "Totals", "TrimAndFill",
    "exp_or_none", "number", "plain",
]
