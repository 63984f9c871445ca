"""Counts against a text source: a count restated in the source's words, and which count of a pair is wrong."""

from __future__ import annotations

from evisynth.check import check_text

#: Cochrane review CD014806 (sucrose for neonatal pain), abstract and plain-language summary.
SUCROSE_SOURCE = (
    "We included 55 trials (6273 infants): 29 included term neonates, 22 included preterm neonates, and four "
    "included both. Heel lance was investigated in 50 trials; 15 investigated other minor painful procedures in "
    "addition to lancing."
)


def _counts(summary: str, source: str) -> list[str]:
    result = check_text(summary, source)
    return [result.text[f.start : f.end] for f in result.findings if f.kind == "count_mismatch" and f.start is not None]


def test_a_subset_count_restated_with_another_number_is_a_mismatch() -> None:
    summary = (
        "We reviewed 55 studies that included a total of 6273 babies. Heel lance was the painful procedure in 50 "
        "studies. Five studies investigated a variety of other minor painful procedures in addition to heel lancing."
    )
    assert _counts(summary, SUCROSE_SOURCE) == ["Five"]


def test_the_same_subset_counts_are_not_flagged() -> None:
    summary = (
        "Twenty-nine studies had full-term babies only, 22 had preterm babies only, and four had both. "
        "Fifteen studies investigated other minor painful procedures in addition to heel lancing."
    )
    assert _counts(summary, SUCROSE_SOURCE) == []


def test_a_count_in_a_sentence_the_source_does_not_restate_is_not_judged() -> None:
    summary = "Seven studies were done in Canada, where sucrose is widely used before vaccinations."
    assert _counts(summary, SUCROSE_SOURCE) == []


def test_a_total_restated_in_the_source_words_is_checked() -> None:
    source = (
        "The current review includes 28 RCTs that looked at the pre- or intraoperative use of intravitreal "
        "anti-VEGFs to improve the outcomes of pars plana vitrectomy. Eleven were from China and 31 eyes were excluded."
    )
    summary = source.replace("28 RCTs", "31 RCTs")
    assert _counts(summary, source) == ["31"]


def test_the_wrong_count_of_a_pair_is_the_one_flagged() -> None:
    # CD011344 (epidural analgesia in labour): the source pairs 1528 participants with 16 studies.
    source = (
        "AMB was associated with lower incidence of breakthrough pain compared to BI (risk ratio (RR) 0.71; 95% "
        "confidence interval (CI) 0.55 to 0.91; I2= 57%) (16 studies, 1528 participants). We found 19 ongoing studies."
    )
    summary = source.replace("16 studies", "19 studies")
    assert _counts(summary, source) == ["19"]


#: Cochrane review CD006913 (psychological treatments for IBD), abstract: two results, each with its counts.
IBD_SOURCE = (
    "Psychological interventions probably have small positive short-term effects on QoL (SMD 0.19, 95% CI 0.06 to "
    "0.32; I2= 11%; 12 trials, 1058 participants; moderate-certainty). Relaxation techniques showed small effects "
    "on QoL (SMD 0.25, 95% CI 0.08 to 0.41; I2= 30%; 15 studies, 1135 participants; moderate-certainty)."
)


def test_a_result_restated_with_another_count_of_studies_is_a_mismatch() -> None:
    # 15 studies is a count the source gives, but with another result.
    summary = IBD_SOURCE.replace("12 trials, 1058", "15 trials, 1058")
    assert _counts(summary, IBD_SOURCE) == ["15"]


def test_a_result_restated_with_its_own_counts_is_not_flagged() -> None:
    summary = "Relaxation techniques had small effects on quality of life (SMD 0.25, 95% CI 0.08 to 0.41; 15 studies)."
    assert _counts(summary, IBD_SOURCE) == []


def test_completed_and_ongoing_studies_are_counts_of_studies() -> None:
    # CD015253 (autoinflation for otitis media with effusion), abstract.
    source = "We identified 11 completed studies that met our inclusion criteria (1036 participants)."
    assert _counts("We identified 14 completed studies that met our inclusion criteria.", source) == ["14"]


def test_a_bracketed_count_is_read_with_what_it_annotates() -> None:
    # CD000259 (audit and feedback), abstract.
    source = (
        "Professional practices most commonly targeted in the studies were prescribing (138 studies, 47%) and "
        "test-ordering (103 studies, 35%)."
    )
    summary = source.replace("138 studies", "141 studies")
    assert _counts(summary, source) == ["141"]
    assert _counts(source, source) == []
