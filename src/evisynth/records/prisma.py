"""PRISMA 2020 flow-diagram counts for new systematic reviews (databases and registers) and their checks.

Field names follow the PRISMA2020 flow-diagram template (docs/methods.md 6.1). Each count is gathered
from the project store independently, so the balance checks below compare separate tallies rather
than numbers derived from each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evisynth.errors import InputError


@dataclass(frozen=True, slots=True)
class PrismaCounts:
    """Counts of the PRISMA 2020 flow diagram (new reviews, databases and registers only).

    Attributes
    ----------
    database_specific_results : dict of str to int
        Records identified per database (sum over that database's import batches).
    database_results : int
        Records identified from all databases.
    register_results : int
        Records from trial registers (0 unless imported under a register name).
    duplicates : int
        Records removed as duplicates (merged into another record).
    excluded_automatic, excluded_other : int
        Records marked ineligible by automation tools / removed for other reasons (evisynth: 0).
    records_screened, records_excluded : int
        Records with a final title/abstract decision, and those excluded at that stage.
    dbr_sought_reports, dbr_notretrieved_reports : int
        Reports sought for retrieval (passed title/abstract) and those not retrieved.
    dbr_assessed : int
        Reports with a final full-text decision to include or exclude.
    dbr_excluded : dict of str to int
        Reports excluded at full text, by reason.
    new_studies, new_reports : int
        Studies included, and their reports (reports included at full text).
    register_specific_results : dict of str to int
        Records per register (empty: registers are not distinguished yet).
    reports_without_study : int
        Included reports not yet grouped into a study (must be 0 to draw the diagram).
    """

    database_specific_results: dict[str, int]
    database_results: int
    register_results: int
    duplicates: int
    excluded_automatic: int
    excluded_other: int
    records_screened: int
    records_excluded: int
    dbr_sought_reports: int
    dbr_notretrieved_reports: int
    dbr_assessed: int
    dbr_excluded: dict[str, int]
    new_studies: int
    new_reports: int
    register_specific_results: dict[str, int] = field(default_factory=dict)
    reports_without_study: int = 0

    def problems(self) -> list[str]:
        """Every balance check that fails, as a sentence; empty when the diagram adds up."""
        out = []
        identified = self.database_results + self.register_results
        removed = self.duplicates + self.excluded_automatic + self.excluded_other
        if sum(self.database_specific_results.values()) != self.database_results:
            out.append("per-database counts do not add up to the records identified from databases")
        if identified - removed != self.records_screened:
            out.append(
                f"records screened ({self.records_screened}) should equal records identified "
                f"({identified}) minus records removed before screening ({removed}) = "
                f"{identified - removed}; "
                f"{identified - removed - self.records_screened} records have no final "
                "title/abstract decision"
            )
        if self.records_screened - self.records_excluded != self.dbr_sought_reports:
            out.append(
                f"reports sought ({self.dbr_sought_reports}) should equal records screened "
                f"({self.records_screened}) minus records excluded ({self.records_excluded})"
            )
        if self.dbr_sought_reports - self.dbr_notretrieved_reports != self.dbr_assessed:
            missing = self.dbr_sought_reports - self.dbr_notretrieved_reports - self.dbr_assessed
            out.append(
                f"reports assessed ({self.dbr_assessed}) should equal reports sought "
                f"({self.dbr_sought_reports}) minus reports not retrieved "
                f"({self.dbr_notretrieved_reports}); {missing} reports have no final full-text "
                "include/exclude decision (not screened, still 'maybe', or reviewers disagree)"
            )
        excluded = sum(self.dbr_excluded.values())
        if self.dbr_assessed - excluded != self.new_reports:
            out.append(
                f"reports included ({self.new_reports}) should equal reports assessed ({self.dbr_assessed}) "
                f"minus reports excluded ({excluded})"
            )
        if self.new_studies > self.new_reports:
            out.append(f"more studies ({self.new_studies}) than included reports ({self.new_reports})")
        if self.reports_without_study:
            out.append(f"{self.reports_without_study} included reports are not grouped into a study")
        return out

    def check(self) -> None:
        """Raise :class:`InputError` listing every failed balance check."""
        problems = self.problems()
        if problems:
            raise InputError("the PRISMA counts do not add up: " + "; ".join(problems))

    def to_dict(self) -> dict[str, Any]:
        """Counts under PRISMA2020 template field names (``dbr_excluded`` as reason -> count)."""
        return {
            "database_results": self.database_results,
            "database_specific_results": dict(self.database_specific_results),
            "register_results": self.register_results,
            "register_specific_results": dict(self.register_specific_results),
            "duplicates": self.duplicates,
            "excluded_automatic": self.excluded_automatic,
            "excluded_other": self.excluded_other,
            "records_screened": self.records_screened,
            "records_excluded": self.records_excluded,
            "dbr_sought_reports": self.dbr_sought_reports,
            "dbr_notretrieved_reports": self.dbr_notretrieved_reports,
            "dbr_assessed": self.dbr_assessed,
            "dbr_excluded": dict(self.dbr_excluded),
            "new_studies": self.new_studies,
            "new_reports": self.new_reports,
            "total_studies": self.new_studies,
            "total_reports": self.new_reports,
        }
