"""The RoB 2 algorithms that propose each domain's judgement from the signalling answers.

Each function follows one "Algorithm for suggested judgement of risk of bias ..." figure of the
RoB 2 short version (cribsheet, version of 22 August 2019) and returns the proposal with the
route it took (for the audit trail), e.g. ``("low", ("1.2 Y/PY", "1.1 Y/PY/NI", "1.3 N/PN/NI"))``.
Answers are the signalling answers after skip logic (unreached questions are ``NA``). A reached
question without an answer raises :class:`Unanswered`.

Figures followed (cribsheet of 22 August 2019 unless stated):

* :func:`randomisation`: domain 1 algorithm (p. 7).
* :func:`assignment`: domain 2, effect of assignment, parts 1 and 2 (p. 10): low only if both
  parts are low, high if either is high, otherwise some concerns.
* :func:`adherence`: domain 2, effect of adhering (p. 13).
* :func:`missing_data`: domain 3 (p. 16).
* :func:`measurement`: domain 4 (p. 19).
* :func:`selection`: domain 5 (p. 21).
* :func:`recruitment_cluster`: domain 1b of RoB 2 for cluster-randomized trials (18 March 2021).
* :func:`carryover`: domain S of RoB 2 for crossover trials (18 March 2021).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from evisynth.rob._vocab import NI, NO, NO_NI, YES, YES_NI

LOW, SOME, HIGH = "low", "some concerns", "high"
Result = tuple[str, tuple[str, ...]]


class Unanswered(Exception):
    """A question the algorithm needs has no answer."""

    def __init__(self, question: str) -> None:
        super().__init__(question)
        self.question = question


class _Route:
    def __init__(self, answers: Mapping[str, str]) -> None:
        self.answers = answers
        self.steps: list[str] = []

    def done(self, level: str) -> Result:
        return level, tuple(self.steps)


def _ans(r: _Route, q: str) -> str:
    a = r.answers.get(q)
    if a is None:
        raise Unanswered(q)
    return a


def randomisation(a: Mapping[str, str], prefix: str = "1.") -> Result:
    """Domain 1 (also domain 1a of the cluster variant with ``prefix='1a.'``)."""
    r = _Route(a)
    q1, q2, q3 = f"{prefix}1", f"{prefix}2", f"{prefix}3"
    c = _ans(r, q2)
    if c in YES:
        r.steps.append(f"{q2} Y/PY")
        if _ans(r, q1) in YES_NI:
            r.steps.append(f"{q1} Y/PY/NI")
            if _ans(r, q3) in NO_NI:
                r.steps.append(f"{q3} N/PN/NI")
                return r.done(LOW)
            r.steps.append(f"{q3} Y/PY")
            return r.done(SOME)
        r.steps.append(f"{q1} N/PN")
        return r.done(SOME)
    if c in NI:
        r.steps.append(f"{q2} NI")
        if _ans(r, q3) in NO_NI:
            r.steps.append(f"{q3} N/PN/NI")
            return r.done(SOME)
        r.steps.append(f"{q3} Y/PY")
        return r.done(HIGH)
    r.steps.append(f"{q2} N/PN")
    return r.done(HIGH)


def recruitment_cluster(a: Mapping[str, str]) -> Result:
    """Domain 1b (cluster variant): timing of identification and recruitment of participants."""
    r = _Route(a)
    if _ans(r, "1b.1") in YES:
        r.steps.append("1b.1 Y/PY")
        return r.done(LOW)
    r.steps.append("1b.1 N/PN/NI")
    q2 = _ans(r, "1b.2")
    if q2 in YES:
        r.steps.append("1b.2 Y/PY")
        return r.done(HIGH)
    imbalance = _ans(r, "1b.3") in YES
    if q2 in NO:
        r.steps += ["1b.2 N/PN", "1b.3 Y/PY" if imbalance else "1b.3 N/PN/NI"]
        return r.done(SOME if imbalance else LOW)
    r.steps += ["1b.2 NI", "1b.3 Y/PY" if imbalance else "1b.3 N/PN/NI"]
    return r.done(HIGH if imbalance else SOME)


def _assignment_part1(r: _Route, cluster: bool) -> str:
    if cluster:
        participants_unaware = _ans(r, "2.1a") in NO or _ans(r, "2.1b") in NO
        first = "2.1a/2.1b"
    else:
        participants_unaware = _ans(r, "2.1") in NO
        first = "2.1"
    if participants_unaware and _ans(r, "2.2") in NO:
        r.steps.append(f"{first} and 2.2 both N/PN")
        return LOW
    r.steps.append(f"{first} or 2.2 Y/PY/NI")
    q3 = _ans(r, "2.3")
    if q3 in NO:
        r.steps.append("2.3 N/PN")
        return LOW
    if q3 in NI:
        r.steps.append("2.3 NI")
        return SOME
    r.steps.append("2.3 Y/PY")
    if _ans(r, "2.4") in NO:
        r.steps.append("2.4 N/PN")
        return SOME
    r.steps.append("2.4 Y/PY/NI")
    if _ans(r, "2.5") in YES:
        r.steps.append("2.5 Y/PY")
        return SOME
    r.steps.append("2.5 N/PN/NI")
    return HIGH


def _assignment_part2(r: _Route) -> str:
    if _ans(r, "2.6") in YES:
        r.steps.append("2.6 Y/PY")
        return LOW
    r.steps.append("2.6 N/PN/NI")
    if _ans(r, "2.7") in NO:
        r.steps.append("2.7 N/PN")
        return SOME
    r.steps.append("2.7 Y/PY/NI")
    return HIGH


def assignment(a: Mapping[str, str], cluster: bool = False) -> Result:
    """Domain 2, effect of assignment to intervention (parts 1 and 2 combined)."""
    r = _Route(a)
    p1 = _assignment_part1(r, cluster)
    r.steps.append(f"part 1 {p1}")
    p2 = _assignment_part2(r)
    r.steps.append(f"part 2 {p2}")
    if HIGH in (p1, p2):
        return r.done(HIGH)
    return r.done(LOW if (p1, p2) == (LOW, LOW) else SOME)


def adherence(a: Mapping[str, str]) -> Result:
    """Domain 2, effect of adhering to intervention."""
    r = _Route(a)

    def analysis() -> Result:
        if _ans(r, "2.6") in YES:
            r.steps.append("2.6 Y/PY")
            return r.done(SOME)
        r.steps.append("2.6 N/PN/NI")
        return r.done(HIGH)

    def implementation() -> Result:
        ok = frozenset({"NA", "N", "PN"})
        if _ans(r, "2.4") in ok and _ans(r, "2.5") in ok:
            r.steps.append("2.4 and 2.5 both NA/N/PN")
            return r.done(LOW)
        r.steps.append("2.4 or 2.5 Y/PY/NI")
        return analysis()

    if _ans(r, "2.1") in NO and _ans(r, "2.2") in NO:
        r.steps.append("2.1 and 2.2 both N/PN")
        return implementation()
    r.steps.append("2.1 or 2.2 Y/PY/NI")
    if _ans(r, "2.3") in frozenset({"NA", "Y", "PY"}):
        r.steps.append("2.3 NA/Y/PY")
        return implementation()
    r.steps.append("2.3 N/PN/NI")
    return analysis()


def missing_data(a: Mapping[str, str], cluster: bool = False) -> Result:
    """Domain 3, missing outcome data (cluster variant: 3.1a and 3.1b must both be Y/PY)."""
    r = _Route(a)
    complete = (_ans(r, "3.1a") in YES and _ans(r, "3.1b") in YES) if cluster else _ans(r, "3.1") in YES
    first = "3.1a and 3.1b" if cluster else "3.1"
    if complete:
        r.steps.append(f"{first} Y/PY")
        return r.done(LOW)
    r.steps.append(f"{first} N/PN/NI")
    if _ans(r, "3.2") in YES:
        r.steps.append("3.2 Y/PY")
        return r.done(LOW)
    r.steps.append("3.2 N/PN")
    if _ans(r, "3.3") in NO:
        r.steps.append("3.3 N/PN")
        return r.done(LOW)
    r.steps.append("3.3 Y/PY/NI")
    if _ans(r, "3.4") in NO:
        r.steps.append("3.4 N/PN")
        return r.done(SOME)
    r.steps.append("3.4 Y/PY/NI")
    return r.done(HIGH)


def measurement(a: Mapping[str, str], cluster: bool = False) -> Result:
    """Domain 4, measurement of the outcome (4.2 NI caps the best proposal at some concerns)."""
    r = _Route(a)
    if _ans(r, "4.1") in YES:
        r.steps.append("4.1 Y/PY")
        return r.done(HIGH)
    r.steps.append("4.1 N/PN/NI")
    q2 = _ans(r, "4.2")
    if q2 in YES:
        r.steps.append("4.2 Y/PY")
        return r.done(HIGH)
    best = LOW if q2 in NO else SOME
    r.steps.append("4.2 N/PN" if q2 in NO else "4.2 NI")
    if cluster:
        if _ans(r, "4.3a") in NO:
            r.steps.append("4.3a N/PN")
            return r.done(best)
        r.steps.append("4.3a Y/PY/NI")
    aware = "4.3b" if cluster else "4.3"
    if _ans(r, aware) in NO:
        r.steps.append(f"{aware} N/PN")
        return r.done(best)
    r.steps.append(f"{aware} Y/PY/NI")
    if _ans(r, "4.4") in NO:
        r.steps.append("4.4 N/PN")
        return r.done(best)
    r.steps.append("4.4 Y/PY/NI")
    if _ans(r, "4.5") in NO:
        r.steps.append("4.5 N/PN")
        return r.done(SOME)
    r.steps.append("4.5 Y/PY/NI")
    return r.done(HIGH)


def selection(a: Mapping[str, str], crossover: bool = False) -> Result:
    """Domain 5, selection of the reported result (crossover variant adds 5.4)."""
    r = _Route(a)
    qs = ["5.2", "5.3", "5.4"] if crossover else ["5.2", "5.3"]
    answers = {q: _ans(r, q) for q in qs}
    selected = [q for q in qs if answers[q] in YES]
    if selected:
        r.steps.append(" or ".join(selected) + " Y/PY")
        return r.done(HIGH)
    if all(answers[q] in NO for q in qs):
        r.steps.append(" and ".join(qs) + " N/PN")
        if _ans(r, "5.1") in YES:
            r.steps.append("5.1 Y/PY")
            return r.done(LOW)
        r.steps.append("5.1 N/PN/NI")
        return r.done(SOME)
    r.steps.append(" or ".join(q for q in qs if answers[q] in NI) + " NI (none Y/PY)")
    return r.done(SOME)


def carryover(a: Mapping[str, str]) -> Result:
    """Domain S (crossover variant): period and carryover effects.

    Low when there was time for carryover to disappear (S.3 Y/PY) and the sequences were
    (nearly) balanced or period effects were accounted for; high when there was not (S.3 N/PN);
    some concerns otherwise.
    """
    r = _Route(a)
    s3 = _ans(r, "S.3")
    if s3 in NO:
        r.steps.append("S.3 N/PN")
        return r.done(HIGH)
    if s3 in NI:
        r.steps.append("S.3 NI")
        return r.done(SOME)
    r.steps.append("S.3 Y/PY")
    if _ans(r, "S.1") in YES:
        r.steps.append("S.1 Y/PY")
        return r.done(LOW)
    r.steps.append("S.1 N/PN/NI")
    if _ans(r, "S.2") in YES:
        r.steps.append("S.2 Y/PY")
        return r.done(LOW)
    r.steps.append("S.2 N/PN/NI")
    return r.done(SOME)


Algorithm = Callable[[Mapping[str, str]], Result]
