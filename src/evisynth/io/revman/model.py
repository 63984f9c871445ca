"""The parts of a RevMan review that evisynth reads and writes: studies, comparisons, outcomes,
subgroups, study data rows with RevMan's stored results, and RoB 1 quality items."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Outcome kinds: RevMan element prefix → evisynth data type.
KINDS = {"DICH": "dichotomous", "CONT": "continuous", "IV": "generic"}
#: Data attributes of each kind (the study data; the rest of a row's attributes are RevMan's results).
DATA_FIELDS = {
    "DICH": ("EVENTS_1", "TOTAL_1", "EVENTS_2", "TOTAL_2"),
    "CONT": ("MEAN_1", "SD_1", "TOTAL_1", "MEAN_2", "SD_2", "TOTAL_2"),
    "IV": ("EFFECT_SIZE", "SE", "TOTAL_1", "TOTAL_2"),
}


@dataclass
class Study:
    id: str            # RevMan id as stored, e.g. "STD-ISIS_x002d_2"
    name: str          # display name, e.g. "ISIS-2"
    year: str = ""


@dataclass
class DataRow:
    study_id: str
    attrs: dict[str, str]      # every attribute of the row as stored (data and RevMan's results)


@dataclass
class Subgroup:
    no: int
    name: str
    attrs: dict[str, str]
    rows: list[DataRow] = field(default_factory=list)


@dataclass
class Outcome:
    kind: str                  # DICH | CONT | IV
    no: int
    name: str
    attrs: dict[str, str]
    group_label_1: str = ""
    group_label_2: str = ""
    graph_label_1: str = ""
    graph_label_2: str = ""
    rows: list[DataRow] = field(default_factory=list)          # when there are no subgroups
    subgroups: list[Subgroup] = field(default_factory=list)

    def all_rows(self) -> list[tuple[Subgroup | None, DataRow]]:
        if self.subgroups:
            return [(g, r) for g in self.subgroups for r in g.rows]
        return [(None, r) for r in self.rows]


@dataclass
class Comparison:
    no: int
    name: str
    id: str = ""
    outcomes: list[Outcome] = field(default_factory=list)


@dataclass
class QualityEntry:
    study_id: str
    result: str                # YES | NO | UNKNOWN (RevMan 5 RoB 1)
    description: str = ""


@dataclass
class QualityItem:
    id: str
    no: int
    name: str
    level: str = "STUDY"
    entries: list[QualityEntry] = field(default_factory=list)


@dataclass
class Review:
    title: str
    studies: dict[str, Study]
    comparisons: list[Comparison]
    quality_items: list[QualityItem] = field(default_factory=list)
    source: str = ""

    def study_name(self, study_id: str) -> str:
        return self.studies[study_id].name

    def outcomes(self) -> list[tuple[Comparison, Outcome]]:
        return [(c, o) for c in self.comparisons for o in c.outcomes]
