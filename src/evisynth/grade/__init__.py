"""GRADE certainty of evidence: domain suggestions with the numbers behind them, and ratings.

The layer sits above :mod:`evisynth.analyses` (it reads analysis results) and below
:mod:`evisynth.review` (which runs a review file's outcomes and rates them):

* :mod:`evisynth.grade.judgements` GRADE's domains, judgement words and reviewer overrides;
* :mod:`evisynth.grade.rob` reads RoB 2 judgements per study;
* :mod:`evisynth.grade.thresholds` holds every rule-of-thumb threshold in one place;
* :mod:`evisynth.grade.domains` suggests a judgement per GRADE domain, with the numbers behind it;
* :mod:`evisynth.grade.certainty` applies reviewer overrides and computes the final rating;
* :mod:`evisynth.grade.absolute` derives anticipated absolute effects.
"""
