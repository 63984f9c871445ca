"""The domains of each risk-of-bias tool: RoB 2 (three trial designs, two effects of interest),
RoB 1 and ROBINS-I.

Domain keys are what files, the store and plots use (``D1`` ... ``D5``, ``D1a``/``D1b`` for the
cluster variant, ``DS`` for the crossover variant); names follow the tools' domain titles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from evisynth.errors import InputError
from evisynth.rob import rob2_items as q
from evisynth.rob import rob2_rules as rules

RESULT = rules.Result


@dataclass(frozen=True)
class DomainSpec:
    """One domain: key, name, signalling questions (empty when only judged) and algorithm."""

    key: str
    name: str
    questions: tuple[q.Question, ...] = ()
    algorithm: Callable[..., RESULT] | None = None

    def question(self, qid: str) -> q.Question | None:
        return next((x for x in self.questions if x.id == qid), None)


ROB2_VARIANTS = ("parallel", "cluster", "crossover")
ROB2_AIMS = ("assignment", "adherence")

_D1 = "Bias arising from the randomization process"
_D2A = "Bias due to deviations from intended interventions (effect of assignment)"
_D2B = "Bias due to deviations from intended interventions (effect of adhering)"
_D3 = "Bias due to missing outcome data"
_D4 = "Bias in measurement of the outcome"
_D5 = "Bias in selection of the reported result"


def rob2_domains(variant: str = "parallel", aim: str = "assignment") -> tuple[DomainSpec, ...]:
    """The RoB 2 domains for a trial design (``parallel``, ``cluster``, ``crossover``) and an effect
    of interest (``assignment`` or ``adherence``)."""
    if variant not in ROB2_VARIANTS:
        raise InputError(f"unknown RoB 2 variant {variant!r}; accepted: {', '.join(ROB2_VARIANTS)}")
    if aim not in ROB2_AIMS:
        raise InputError(f"unknown RoB 2 effect of interest {aim!r}; accepted: {', '.join(ROB2_AIMS)}")
    cluster = variant == "cluster"
    if aim == "assignment":
        d2 = DomainSpec("D2", _D2A, q.D2_ASSIGNMENT_CLUSTER if cluster else q.D2_ASSIGNMENT,
                        partial(rules.assignment, cluster=cluster))
    else:
        d2 = DomainSpec("D2", _D2B, q.D2_ADHERENCE, rules.adherence)
    if cluster:
        return (
            DomainSpec("D1a", _D1, q.D1A_CLUSTER, partial(rules.randomisation, prefix="1a.")),
            DomainSpec("D1b", "Bias arising from the timing of identification or recruitment of participants",
                       q.D1B_CLUSTER, rules.recruitment_cluster),
            d2,
            DomainSpec("D3", _D3, q.D3_CLUSTER, partial(rules.missing_data, cluster=True)),
            DomainSpec("D4", _D4, q.D4_CLUSTER, partial(rules.measurement, cluster=True)),
            DomainSpec("D5", _D5, q.D5, rules.selection),
        )
    d1 = DomainSpec("D1", _D1, q.D1, rules.randomisation)
    d3 = DomainSpec("D3", _D3, q.D3, rules.missing_data)
    d4 = DomainSpec("D4", _D4, q.D4, rules.measurement)
    if variant == "crossover":
        return (
            d1,
            DomainSpec("DS", "Bias arising from period and carryover effects", q.DS_CROSSOVER, rules.carryover),
            d2, d3, d4,
            DomainSpec("D5", _D5, q.D5_CROSSOVER, partial(rules.selection, crossover=True)),
        )
    return (d1, d2, d3, d4, DomainSpec("D5", _D5, q.D5, rules.selection))


#: The seven domains of the Cochrane risk-of-bias tool in RevMan 5 (Higgins et al. BMJ 2011;343:d5928;
#: Cochrane Handbook 5.1, table 8.5.a). RevMan files may define other items; those keep their names.
ROB1_DOMAINS = (
    DomainSpec("D1", "Random sequence generation (selection bias)"),
    DomainSpec("D2", "Allocation concealment (selection bias)"),
    DomainSpec("D3", "Blinding of participants and personnel (performance bias)"),
    DomainSpec("D4", "Blinding of outcome assessment (detection bias)"),
    DomainSpec("D5", "Incomplete outcome data (attrition bias)"),
    DomainSpec("D6", "Selective reporting (reporting bias)"),
    DomainSpec("D7", "Other bias"),
)

#: ROBINS-I (Sterne et al. BMJ 2016;355:i4919, table of bias domains).
ROBINS_I_DOMAINS = (
    DomainSpec("D1", "Bias due to confounding"),
    DomainSpec("D2", "Bias in selection of participants into the study"),
    DomainSpec("D3", "Bias in classification of interventions"),
    DomainSpec("D4", "Bias due to deviations from intended interventions"),
    DomainSpec("D5", "Bias due to missing data"),
    DomainSpec("D6", "Bias in measurement of outcomes"),
    DomainSpec("D7", "Bias in selection of the reported result"),
)


def default_domains(tool: str, variant: str = "parallel", aim: str = "assignment") -> tuple[DomainSpec, ...]:
    """The domains of ``tool`` (``rob2``, ``rob1``, ``robins-i``)."""
    if tool == "rob2":
        return rob2_domains(variant, aim)
    if tool == "rob1":
        return ROB1_DOMAINS
    if tool == "robins-i":
        return ROBINS_I_DOMAINS
    raise InputError(f"unknown risk-of-bias tool {tool!r}; accepted: rob2, rob1, robins-i")
