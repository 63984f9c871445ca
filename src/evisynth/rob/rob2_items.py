"""RoB 2 signalling questions: identifiers, short labels, response options and skip logic.

Sources (the labels are short paraphrases, not the tool's wording):

* individually randomised parallel-group trials: RoB 2 full guidance and short version
  ("cribsheet"), Higgins, Savović, Page, Sterne (eds), version of 22 August 2019
  (riskofbias.info; Sterne et al. BMJ 2019;366:l4898). Each question's "If ... to ..." clause in
  the cribsheet is the ``when`` condition below.
* cluster-randomised parallel-group trials (domain 1b, identification/recruitment of
  participants): RoB 2 for cluster-randomized trials, Eldridge et al., version of 18 March 2021.
* randomised crossover trials (domain S, period and carryover effects): RoB 2 for crossover
  trials, Higgins, Li, Sterne, version of 18 March 2021.

A question whose condition is not met must be answered NA (or left empty, which means NA); a
question marked ``if_applicable`` (effect of adhering, cribsheet "[If applicable:]") may be NA
even when reached, because the review's preliminary considerations decide whether it is asked.
"""

from __future__ import annotations

from dataclasses import dataclass

from evisynth.rob._vocab import ANSWERED, NO, NO_NI, YES, YES_NI


@dataclass(frozen=True)
class Condition:
    """Asked when ``any`` (or ``all``) of the clauses hold; a clause is (question id, answers)."""

    clauses: tuple[tuple[str, frozenset[str]], ...]
    mode: str = "any"

    def holds(self, answers: dict[str, str]) -> bool:
        hits = [answers.get(q, "NA") in allowed for q, allowed in self.clauses]
        return all(hits) if self.mode == "all" else any(hits)

    def text(self) -> str:
        parts = [f"{'/'.join(sorted(a, key=_ORDER.index))} to {q}" for q, a in self.clauses]
        return "if " + (" and " if self.mode == "all" else " or ").join(parts)


_ORDER = ["Y", "PY", "N", "PN", "NI", "NA"]


@dataclass(frozen=True)
class Question:
    """One signalling question."""

    id: str
    label: str
    when: Condition | None = None
    options: frozenset[str] = ANSWERED
    if_applicable: bool = False


def _c(*clauses: tuple[str, frozenset[str]], mode: str = "any") -> Condition:
    return Condition(tuple(clauses), mode)


YNI = frozenset({"Y", "PY", "PN", "N"})  # 3.2 has no "No information" option (cribsheet)

D1 = (
    Question("1.1", "Allocation sequence random?"),
    Question("1.2", "Allocation sequence concealed until participants were enrolled and assigned?"),
    Question("1.3", "Baseline differences between groups suggest a problem with randomisation?"),
)
D1A_CLUSTER = (
    Question("1a.1", "Allocation sequence random?"),
    Question("1a.2", "Allocation sequence concealed until clusters were enrolled and assigned?"),
    Question("1a.3", "Baseline differences between groups suggest a problem with randomisation?"),
)
D1B_CLUSTER = (
    Question("1b.1", "All participants identified and recruited before the clusters were randomised?"),
    Question("1b.2", "Selection of participants affected by knowledge of the cluster's assignment?",
             _c(("1b.1", NO_NI))),
    Question("1b.3", "Baseline imbalances suggesting differential identification or recruitment?"),
)
D2_ASSIGNMENT = (
    Question("2.1", "Participants aware of their assigned intervention?"),
    Question("2.2", "Carers and people delivering the interventions aware of the assignment?"),
    Question("2.3", "Deviations from the intended intervention that arose because of the trial context?",
             _c(("2.1", YES_NI), ("2.2", YES_NI))),
    Question("2.4", "These deviations likely to have affected the outcome?", _c(("2.3", YES))),
    Question("2.5", "These deviations balanced between groups?", _c(("2.4", YES_NI))),
    Question("2.6", "Appropriate analysis to estimate the effect of assignment?"),
    Question("2.7", "Potential for substantial impact of failing to analyse participants as randomised?",
             _c(("2.6", NO_NI))),
)
D2_ASSIGNMENT_CLUSTER = (
    Question("2.1a", "Participants aware that they were in a trial?"),
    Question("2.1b", "Participants aware of their assigned intervention?", _c(("2.1a", YES_NI))),
    Question("2.2", "Carers and people delivering the interventions aware of the assignment?"),
    Question("2.3", "Deviations from the intended intervention that arose because of the trial context?",
             _c(("2.1b", YES_NI), ("2.2", YES_NI))),
    Question("2.4", "These deviations likely to have affected the outcome?", _c(("2.3", YES))),
    Question("2.5", "These deviations balanced between groups?", _c(("2.4", YES_NI))),
    Question("2.6", "Appropriate analysis to estimate the effect of assignment?"),
    Question("2.7", "Potential for substantial impact of failing to analyse clusters and participants as randomised?",
             _c(("2.6", NO_NI))),
)
D2_ADHERENCE = (
    Question("2.1", "Participants aware of their assigned intervention?"),
    Question("2.2", "Carers and people delivering the interventions aware of the assignment?"),
    Question("2.3", "Important non-protocol interventions balanced across groups?",
             _c(("2.1", YES_NI), ("2.2", YES_NI)), if_applicable=True),
    Question("2.4", "Failures in implementing the intervention that could have affected the outcome?",
             if_applicable=True),
    Question("2.5", "Non-adherence to the assigned regimen that could have affected outcomes?", if_applicable=True),
    Question("2.6", "Appropriate analysis to estimate the effect of adhering?",
             _c(("2.3", NO_NI), ("2.4", YES_NI), ("2.5", YES_NI))),
)
D3 = (
    Question("3.1", "Outcome data available for all, or nearly all, participants randomised?"),
    Question("3.2", "Evidence that the result was not biased by missing outcome data?", _c(("3.1", NO_NI)), YNI),
    Question("3.3", "Could missingness in the outcome depend on its true value?", _c(("3.2", NO))),
    Question("3.4", "Likely that missingness in the outcome depended on its true value?", _c(("3.3", YES_NI))),
)
D3_CLUSTER = (
    Question("3.1a", "Outcome data available for all clusters that recruited participants?"),
    Question("3.1b", "Outcome data available for all, or nearly all, participants within clusters?"),
    Question("3.2", "Evidence that the result was not biased by missing outcome data?",
             _c(("3.1a", NO_NI), ("3.1b", NO_NI)), YNI),
    Question("3.3", "Could missingness in the outcome depend on its true value?", _c(("3.2", NO))),
    Question("3.4", "Likely that missingness in the outcome depended on its true value?", _c(("3.3", YES_NI))),
)
D4 = (
    Question("4.1", "Method of measuring the outcome inappropriate?"),
    Question("4.2", "Measurement or ascertainment of the outcome could have differed between groups?"),
    Question("4.3", "Outcome assessors aware of the intervention received?",
             _c(("4.1", NO_NI), ("4.2", NO_NI), mode="all")),
    Question("4.4", "Could assessment have been influenced by knowledge of the intervention?", _c(("4.3", YES_NI))),
    Question("4.5", "Likely that assessment was influenced by knowledge of the intervention?", _c(("4.4", YES_NI))),
)
D4_CLUSTER = (
    Question("4.1", "Method of measuring the outcome inappropriate?"),
    Question("4.2", "Measurement or ascertainment of the outcome could have differed between groups?"),
    Question("4.3a", "Outcome assessors aware that a trial was taking place?",
             _c(("4.1", NO_NI), ("4.2", NO_NI), mode="all")),
    Question("4.3b", "Outcome assessors aware of the intervention received?", _c(("4.3a", YES_NI))),
    Question("4.4", "Could assessment have been influenced by knowledge of the intervention?", _c(("4.3b", YES_NI))),
    Question("4.5", "Likely that assessment was influenced by knowledge of the intervention?", _c(("4.4", YES_NI))),
)
D5 = (
    Question("5.1", "Analysed according to a pre-specified plan finalised before unblinded data were available?"),
    Question("5.2", "Result selected from multiple eligible outcome measurements?"),
    Question("5.3", "Result selected from multiple eligible analyses?"),
)
D5_CROSSOVER = (
    *D5,
    Question("5.4", "Result from both periods sought but unavailable because carryover was identified?"),
)
DS_CROSSOVER = (
    Question("S.1", "Numbers allocated to the two sequences equal or nearly equal?"),
    Question("S.2", "Period effects accounted for in the analysis?", _c(("S.1", NO_NI))),
    Question("S.3", "Sufficient time for carryover effects to disappear before outcome assessment in period 2?"),
)
