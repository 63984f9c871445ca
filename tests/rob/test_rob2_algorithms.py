"""Every path of the RoB 2 algorithms, one test per path.

Each case cites the figure it follows: "Algorithm for suggested judgement of risk of bias ..." in
the RoB 2 short version (cribsheet), Higgins, Savović, Page, Sterne (eds), version of
22 August 2019 (riskofbias.info), with its page; the cluster and crossover variants cite the
RoB 2 variants of 18 March 2021. The path string is the route the algorithm reports.
"""

import pytest

from evisynth.rob import assess_rob2

D1 = "cribsheet 22 Aug 2019 p.7, algorithm for domain 1 (randomization process)"
D2A = "cribsheet 22 Aug 2019 p.10, algorithm for domain 2 (effect of assignment), parts 1 and 2"
D2B = "cribsheet 22 Aug 2019 p.13, algorithm for domain 2 (effect of adhering)"
D3 = "cribsheet 22 Aug 2019 p.16, algorithm for domain 3 (missing outcome data)"
D4 = "cribsheet 22 Aug 2019 p.19, algorithm for domain 4 (measurement of the outcome)"
D5 = "cribsheet 22 Aug 2019 p.21, algorithm for domain 5 (selection of the reported result)"
D1B = "RoB 2 for cluster-randomized trials (18 Mar 2021), algorithm for domain 1b (identification/recruitment)"
DS = "RoB 2 for crossover trials (18 Mar 2021), algorithm for domain S (period and carryover effects)"


def proposal(domain, answers, **kw):
    d = assess_rob2("Trial", "Outcome", answers, **kw).domain(domain)
    assert not d.missing, d.missing
    return d.proposed, d.path


# --------------------------------------------------------------------------------- domain 1
@pytest.mark.parametrize("answers, expected, route", [
    ({"1.2": "Y", "1.1": "Y", "1.3": "N"}, "low", ("1.2 Y/PY", "1.1 Y/PY/NI", "1.3 N/PN/NI")),
    ({"1.2": "PY", "1.1": "NI", "1.3": "PY"}, "some concerns", ("1.2 Y/PY", "1.1 Y/PY/NI", "1.3 Y/PY")),
    ({"1.2": "Y", "1.1": "PN", "1.3": "Y"}, "some concerns", ("1.2 Y/PY", "1.1 N/PN")),
    ({"1.2": "NI", "1.1": "Y", "1.3": "NI"}, "some concerns", ("1.2 NI", "1.3 N/PN/NI")),
    ({"1.2": "NI", "1.1": "N", "1.3": "Y"}, "high", ("1.2 NI", "1.3 Y/PY")),
    ({"1.2": "PN", "1.1": "Y", "1.3": "N"}, "high", ("1.2 N/PN",)),
], ids=["low", "concealed-imbalance", "concealed-not-random", "ni-concealment", "ni-concealment-imbalance",
        "not-concealed"])
def test_domain1_paths(answers, expected, route):
    """RoB 2 domain 1: cribsheet 22 Aug 2019 p.7, algorithm for domain 1 (randomization process)."""
    assert proposal("D1", answers) == (expected, route)


# ------------------------------------------------------------------ domain 2, effect of assignment
BLIND = {"2.1": "N", "2.2": "PN"}
ITT = {"2.6": "Y"}


@pytest.mark.parametrize("part1, expected, route", [
    (BLIND, "low", ("2.1 and 2.2 both N/PN",)),
    ({"2.1": "Y", "2.2": "N", "2.3": "N"}, "low", ("2.1 or 2.2 Y/PY/NI", "2.3 N/PN")),
    ({"2.1": "NI", "2.2": "N", "2.3": "NI"}, "some concerns", ("2.1 or 2.2 Y/PY/NI", "2.3 NI")),
    ({"2.1": "Y", "2.2": "Y", "2.3": "Y", "2.4": "PN"}, "some concerns",
     ("2.1 or 2.2 Y/PY/NI", "2.3 Y/PY", "2.4 N/PN")),
    ({"2.1": "Y", "2.2": "Y", "2.3": "PY", "2.4": "NI", "2.5": "Y"}, "some concerns",
     ("2.1 or 2.2 Y/PY/NI", "2.3 Y/PY", "2.4 Y/PY/NI", "2.5 Y/PY")),
    ({"2.1": "Y", "2.2": "Y", "2.3": "Y", "2.4": "Y", "2.5": "NI"}, "high",
     ("2.1 or 2.2 Y/PY/NI", "2.3 Y/PY", "2.4 Y/PY/NI", "2.5 N/PN/NI")),
], ids=["unaware", "aware-no-trial-deviation", "aware-ni-deviation", "deviation-no-effect",
        "deviation-balanced", "deviation-unbalanced"])
def test_domain2_assignment_part1_paths(part1, expected, route):
    """RoB 2 domain 2 (assignment), part 1 with part 2 low:
    cribsheet 22 Aug 2019 p.10, algorithm for domain 2 (effect of assignment), parts 1 and 2."""
    got, path = proposal("D2", {**part1, **ITT})
    assert got == expected
    assert path == (*route, f"part 1 {expected}", "2.6 Y/PY", "part 2 low")


@pytest.mark.parametrize("part2, expected, route", [
    ({"2.6": "PY"}, "low", ("2.6 Y/PY",)),
    ({"2.6": "N", "2.7": "PN"}, "some concerns", ("2.6 N/PN/NI", "2.7 N/PN")),
    ({"2.6": "NI", "2.7": "NI"}, "high", ("2.6 N/PN/NI", "2.7 Y/PY/NI")),
], ids=["appropriate-analysis", "no-substantial-impact", "substantial-impact"])
def test_domain2_assignment_part2_paths(part2, expected, route):
    """RoB 2 domain 2 (assignment), part 2 with part 1 low:
    cribsheet 22 Aug 2019 p.10, algorithm for domain 2 (effect of assignment), parts 1 and 2."""
    got, path = proposal("D2", {**BLIND, **part2})
    assert got == expected
    assert path == ("2.1 and 2.2 both N/PN", "part 1 low", *route, f"part 2 {expected}")


@pytest.mark.parametrize("part1, part2, expected", [
    ({"2.1": "NI", "2.2": "N", "2.3": "NI"}, {"2.6": "N", "2.7": "N"}, "some concerns"),
    ({"2.1": "Y", "2.2": "Y", "2.3": "Y", "2.4": "Y", "2.5": "N"}, {"2.6": "N", "2.7": "N"}, "high"),
    ({"2.1": "NI", "2.2": "N", "2.3": "NI"}, {"2.6": "N", "2.7": "Y"}, "high"),
], ids=["some+some", "high+some", "some+high"])
def test_domain2_assignment_combination(part1, part2, expected):
    """Criteria for the domain: low only if both parts low, high if either is high
    (cribsheet 22 Aug 2019 p.10, algorithm for domain 2, effect of assignment, parts 1 and 2)."""
    assert proposal("D2", {**part1, **part2})[0] == expected


# ------------------------------------------------------------------- domain 2, effect of adhering
ADH = {"aim": "adherence"}


@pytest.mark.parametrize("answers, expected, route", [
    ({"2.1": "N", "2.2": "N", "2.4": "N", "2.5": "PN"}, "low", ("2.1 and 2.2 both N/PN", "2.4 and 2.5 both NA/N/PN")),
    ({"2.1": "N", "2.2": "N", "2.4": "NA", "2.5": "Y", "2.6": "Y"}, "some concerns",
     ("2.1 and 2.2 both N/PN", "2.4 or 2.5 Y/PY/NI", "2.6 Y/PY")),
    ({"2.1": "PN", "2.2": "N", "2.4": "NI", "2.5": "N", "2.6": "N"}, "high",
     ("2.1 and 2.2 both N/PN", "2.4 or 2.5 Y/PY/NI", "2.6 N/PN/NI")),
    ({"2.1": "Y", "2.2": "N", "2.3": "Y", "2.4": "N", "2.5": "NA"}, "low",
     ("2.1 or 2.2 Y/PY/NI", "2.3 NA/Y/PY", "2.4 and 2.5 both NA/N/PN")),
    ({"2.1": "Y", "2.2": "N", "2.3": "NA", "2.4": "NA", "2.5": "NA"}, "low",
     ("2.1 or 2.2 Y/PY/NI", "2.3 NA/Y/PY", "2.4 and 2.5 both NA/N/PN")),
    ({"2.1": "Y", "2.2": "Y", "2.3": "PY", "2.4": "Y", "2.5": "N", "2.6": "PY"}, "some concerns",
     ("2.1 or 2.2 Y/PY/NI", "2.3 NA/Y/PY", "2.4 or 2.5 Y/PY/NI", "2.6 Y/PY")),
    ({"2.1": "Y", "2.2": "Y", "2.3": "Y", "2.4": "N", "2.5": "Y", "2.6": "NI"}, "high",
     ("2.1 or 2.2 Y/PY/NI", "2.3 NA/Y/PY", "2.4 or 2.5 Y/PY/NI", "2.6 N/PN/NI")),
    ({"2.1": "NI", "2.2": "N", "2.3": "N", "2.4": "N", "2.5": "N", "2.6": "Y"}, "some concerns",
     ("2.1 or 2.2 Y/PY/NI", "2.3 N/PN/NI", "2.6 Y/PY")),
    ({"2.1": "Y", "2.2": "Y", "2.3": "NI", "2.4": "N", "2.5": "N", "2.6": "PN"}, "high",
     ("2.1 or 2.2 Y/PY/NI", "2.3 N/PN/NI", "2.6 N/PN/NI")),
], ids=["blind-adherent", "blind-nonadherent-appropriate", "blind-nonadherent-inappropriate",
        "aware-balanced-adherent", "aware-2.3-not-applicable", "aware-balanced-nonadherent-appropriate",
        "aware-balanced-nonadherent-inappropriate", "aware-unbalanced-appropriate", "aware-unbalanced-inappropriate"])
def test_domain2_adherence_paths(answers, expected, route):
    """RoB 2 domain 2 (adhering): cribsheet 22 Aug 2019 p.13, algorithm for domain 2 (effect of adhering)."""
    assert proposal("D2", answers, **ADH) == (expected, route)


# --------------------------------------------------------------------------------- domain 3
@pytest.mark.parametrize("answers, expected, route", [
    ({"3.1": "Y"}, "low", ("3.1 Y/PY",)),
    ({"3.1": "N", "3.2": "PY"}, "low", ("3.1 N/PN/NI", "3.2 Y/PY")),
    ({"3.1": "NI", "3.2": "N", "3.3": "PN"}, "low", ("3.1 N/PN/NI", "3.2 N/PN", "3.3 N/PN")),
    ({"3.1": "PN", "3.2": "N", "3.3": "Y", "3.4": "N"}, "some concerns",
     ("3.1 N/PN/NI", "3.2 N/PN", "3.3 Y/PY/NI", "3.4 N/PN")),
    ({"3.1": "N", "3.2": "PN", "3.3": "NI", "3.4": "NI"}, "high",
     ("3.1 N/PN/NI", "3.2 N/PN", "3.3 Y/PY/NI", "3.4 Y/PY/NI")),
], ids=["complete", "evidence-not-biased", "missingness-unrelated", "could-depend", "likely-depends"])
def test_domain3_paths(answers, expected, route):
    """RoB 2 domain 3: cribsheet 22 Aug 2019 p.16, algorithm for domain 3 (missing outcome data)."""
    assert proposal("D3", answers) == (expected, route)


# --------------------------------------------------------------------------------- domain 4
@pytest.mark.parametrize("answers, expected, route", [
    ({"4.1": "Y", "4.2": "N"}, "high", ("4.1 Y/PY",)),
    ({"4.1": "N", "4.2": "PY"}, "high", ("4.1 N/PN/NI", "4.2 Y/PY")),
    ({"4.1": "N", "4.2": "N", "4.3": "N"}, "low", ("4.1 N/PN/NI", "4.2 N/PN", "4.3 N/PN")),
    ({"4.1": "PN", "4.2": "N", "4.3": "Y", "4.4": "N"}, "low", ("4.1 N/PN/NI", "4.2 N/PN", "4.3 Y/PY/NI", "4.4 N/PN")),
    ({"4.1": "N", "4.2": "PN", "4.3": "Y", "4.4": "Y", "4.5": "PN"}, "some concerns",
     ("4.1 N/PN/NI", "4.2 N/PN", "4.3 Y/PY/NI", "4.4 Y/PY/NI", "4.5 N/PN")),
    ({"4.1": "NI", "4.2": "N", "4.3": "NI", "4.4": "PY", "4.5": "Y"}, "high",
     ("4.1 N/PN/NI", "4.2 N/PN", "4.3 Y/PY/NI", "4.4 Y/PY/NI", "4.5 Y/PY/NI")),
    ({"4.1": "N", "4.2": "NI", "4.3": "N"}, "some concerns", ("4.1 N/PN/NI", "4.2 NI", "4.3 N/PN")),
    ({"4.1": "N", "4.2": "NI", "4.3": "Y", "4.4": "PN"}, "some concerns",
     ("4.1 N/PN/NI", "4.2 NI", "4.3 Y/PY/NI", "4.4 N/PN")),
    ({"4.1": "N", "4.2": "NI", "4.3": "Y", "4.4": "Y", "4.5": "N"}, "some concerns",
     ("4.1 N/PN/NI", "4.2 NI", "4.3 Y/PY/NI", "4.4 Y/PY/NI", "4.5 N/PN")),
    ({"4.1": "N", "4.2": "NI", "4.3": "Y", "4.4": "Y", "4.5": "NI"}, "high",
     ("4.1 N/PN/NI", "4.2 NI", "4.3 Y/PY/NI", "4.4 Y/PY/NI", "4.5 Y/PY/NI")),
], ids=["inappropriate-method", "differential-measurement", "blinded", "aware-not-influenceable",
        "could-influence", "likely-influenced", "ni-differential-blinded", "ni-differential-not-influenceable",
        "ni-differential-could-influence", "ni-differential-likely-influenced"])
def test_domain4_paths(answers, expected, route):
    """RoB 2 domain 4: cribsheet 22 Aug 2019 p.19, algorithm for domain 4 (measurement of the outcome)."""
    assert proposal("D4", answers) == (expected, route)


# --------------------------------------------------------------------------------- domain 5
@pytest.mark.parametrize("answers, expected, route", [
    ({"5.1": "Y", "5.2": "N", "5.3": "PN"}, "low", ("5.2 and 5.3 N/PN", "5.1 Y/PY")),
    ({"5.1": "NI", "5.2": "N", "5.3": "N"}, "some concerns", ("5.2 and 5.3 N/PN", "5.1 N/PN/NI")),
    ({"5.1": "Y", "5.2": "NI", "5.3": "N"}, "some concerns", ("5.2 NI (none Y/PY)",)),
    ({"5.1": "Y", "5.2": "N", "5.3": "PY"}, "high", ("5.3 Y/PY",)),
], ids=["prespecified", "not-prespecified", "ni-selection", "selected"])
def test_domain5_paths(answers, expected, route):
    """RoB 2 domain 5: cribsheet 22 Aug 2019 p.21, algorithm for domain 5 (selection of the reported result)."""
    assert proposal("D5", answers) == (expected, route)


# ----------------------------------------------------------------------- cluster: domain 1b
@pytest.mark.parametrize("answers, expected", [
    ({"1b.1": "Y", "1b.3": "Y"}, "low"),
    ({"1b.1": "N", "1b.2": "Y", "1b.3": "N"}, "high"),
    ({"1b.1": "PN", "1b.2": "N", "1b.3": "N"}, "low"),
    ({"1b.1": "NI", "1b.2": "PN", "1b.3": "Y"}, "some concerns"),
    ({"1b.1": "N", "1b.2": "NI", "1b.3": "NI"}, "some concerns"),
    ({"1b.1": "N", "1b.2": "NI", "1b.3": "PY"}, "high"),
], ids=["recruited-before", "selection-affected", "unaffected-balanced", "unaffected-imbalanced",
        "ni-balanced", "ni-imbalanced"])
def test_cluster_domain1b_paths(answers, expected):
    """RoB 2 cluster variant domain 1b:
    RoB 2 for cluster-randomized trials (18 Mar 2021), algorithm for domain 1b (identification/recruitment)."""
    assert proposal("D1b", answers, variant="cluster")[0] == expected


def test_cluster_domain1a_and_2_awareness():
    """Domain 1a follows domain 1's algorithm; in domain 2 participants unaware of being in a trial
    (2.1a N/PN) make 2.1b not applicable (RoB 2 cluster variant, 18 Mar 2021)."""
    a = assess_rob2("C", "O", {"1a.1": "Y", "1a.2": "Y", "1a.3": "N", "2.1a": "N", "2.2": "N", "2.6": "Y"},
                    variant="cluster")
    assert a.domain("D1a").proposed == "low"
    assert a.domain("D2").answers["2.1b"] == "NA"
    assert a.domain("D2").proposed == "low"


@pytest.mark.parametrize("answers, expected", [
    ({"3.1a": "Y", "3.1b": "PY"}, "low"),
    ({"3.1a": "N", "3.1b": "Y", "3.2": "N", "3.3": "Y", "3.4": "N"}, "some concerns"),
], ids=["complete", "cluster-missing-could-depend"])
def test_cluster_domain3(answers, expected):
    """Cluster variant domain 3: both 3.1a and 3.1b Y/PY for low, then as domain 3."""
    assert proposal("D3", answers, variant="cluster")[0] == expected


# ---------------------------------------------------------------------- crossover: domain S
@pytest.mark.parametrize("answers, expected", [
    ({"S.1": "Y", "S.3": "Y"}, "low"),
    ({"S.1": "N", "S.2": "Y", "S.3": "PY"}, "low"),
    ({"S.1": "NI", "S.2": "N", "S.3": "Y"}, "some concerns"),
    ({"S.1": "Y", "S.3": "NI"}, "some concerns"),
    ({"S.1": "Y", "S.3": "N"}, "high"),
], ids=["balanced-washout", "period-adjusted", "period-unadjusted", "ni-carryover", "carryover"])
def test_crossover_domainS_paths(answers, expected):
    """RoB 2 crossover variant domain S:
    RoB 2 for crossover trials (18 Mar 2021), algorithm for domain S (period and carryover effects)."""
    assert proposal("DS", answers, variant="crossover")[0] == expected


def test_crossover_domain5_first_period_only():
    """Crossover domain 5 adds 5.4 (both periods sought but unavailable because of carryover)."""
    assert proposal("D5", {"5.1": "Y", "5.2": "N", "5.3": "N", "5.4": "Y"}, variant="crossover")[0] == "high"
    assert proposal("D5", {"5.1": "Y", "5.2": "N", "5.3": "N", "5.4": "N"}, variant="crossover")[0] == "low"
