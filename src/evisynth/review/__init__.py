"""A review: the review file (TOML) parsed once into analysis and GRADE settings per outcome, and
the runner that analyses every outcome and rates its certainty (:func:`run_review`).

* :mod:`evisynth.review.file` reads and validates the review file (:func:`load_review`);
* :mod:`evisynth.review.runner` runs it (:func:`run_review` → :class:`ReviewResult`);
* :mod:`evisynth.review.template` is the commented template ``evisynth init`` writes.
"""
