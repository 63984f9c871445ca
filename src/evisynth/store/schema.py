"""Tables of a review project's database (SQLAlchemy Core; the same on SQLite and PostgreSQL).

========================  ============================================================================
table                     holds
========================  ============================================================================
``schema_version``        one row per applied migration (version, applied_at)
``batches``               one row per imported file: database, date, file name, SHA-256, record count
``records``               normalised citations, each in exactly one batch
``merges``                duplicate links (record -> kept record) with key, score, method; undone merges
                          keep their row with ``undone_at`` set (audit trail)
``dedupe_candidates``     uncertain pairs queued for a person: pending / confirmed / rejected
``screening_decisions``   one decision per record, stage and reviewer (include / exclude / maybe)
``final_decisions``       the decision that counts for a record and stage when reviewers disagreed
``screening_events``      migration 3: every decision recorded or withdrawn (undo), with who and when;
                          append-only, so History shows a changed or withdrawn decision
``retrieval``             full texts sought but not retrieved
``exclusion_reasons``     the review's list of full-text exclusion reasons
``studies``               study labels (the label data files use)
``study_reports``         which included report belongs to which study
``rob_assessments``       risk-of-bias assessments (migration 2): tool, study, outcome, overall judgement and
                          proposal, who assessed and when; append-only (a new save adds a revision)
``rob_domains``           the domains of each assessment: judgement, algorithm proposal and route,
                          justification, signalling answers and comments (JSON)
========================  ============================================================================
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

batches = Table(
    "batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("database_name", Text, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("file_sha256", String(64), nullable=False, unique=True),
    Column("format", String(20), nullable=False),
    Column("record_count", Integer, nullable=False),
    Column("problem_count", Integer, nullable=False),
)

records = Table(
    "records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("batches.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("line", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("authors", Text, nullable=False),  # "; "-joined
    Column("year", Integer),
    Column("journal", Text, nullable=False),
    Column("volume", Text, nullable=False),
    Column("issue", Text, nullable=False),
    Column("pages", Text, nullable=False),
    Column("doi", Text, nullable=False),
    Column("pmid", Text, nullable=False),
    Column("abstract", Text, nullable=False),
    Column("keywords", Text, nullable=False),  # "; "-joined
    Column("language", Text, nullable=False),
    Column("accession", Text, nullable=False),
    Index("ix_records_doi", "doi"),
    Index("ix_records_pmid", "pmid"),
)

merges = Table(
    "merges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_id", Integer, ForeignKey("records.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("keeper_id", Integer, ForeignKey("records.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("linked_to", Integer, ForeignKey("records.id", ondelete="CASCADE")),  # the record it matched
    Column("match_key", String(40), nullable=False),
    Column("score", Float, nullable=False),
    Column("method", String(20), nullable=False),  # auto | manual
    Column("decided_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("undone_at", DateTime(timezone=True)),
)

dedupe_candidates = Table(
    "dedupe_candidates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_a", Integer, ForeignKey("records.id", ondelete="CASCADE"), nullable=False),
    Column("record_b", Integer, ForeignKey("records.id", ondelete="CASCADE"), nullable=False),
    Column("score", Float, nullable=False),
    Column("reason", Text, nullable=False),
    Column("status", String(20), nullable=False),  # pending | confirmed | rejected
    Column("decided_by", Text),
    Column("decided_at", DateTime(timezone=True)),
    UniqueConstraint("record_a", "record_b", name="uq_candidate_pair"),
)

screening_decisions = Table(
    "screening_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_id", Integer, ForeignKey("records.id", ondelete="CASCADE"), nullable=False),
    Column("stage", String(20), nullable=False),  # title | fulltext
    Column("reviewer", Text, nullable=False),
    Column("decision", String(10), nullable=False),  # include | exclude | maybe
    Column("reason", Text),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("record_id", "stage", "reviewer", name="uq_decision"),
)

final_decisions = Table(
    "final_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_id", Integer, ForeignKey("records.id", ondelete="CASCADE"), nullable=False),
    Column("stage", String(20), nullable=False),
    Column("decision", String(10), nullable=False),
    Column("reason", Text),
    Column("resolved_by", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("record_id", "stage", name="uq_final"),
)

screening_events = Table(
    "screening_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_id", Integer, ForeignKey("records.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("stage", String(20), nullable=False),
    Column("reviewer", Text, nullable=False),
    Column("action", String(10), nullable=False),  # decided | withdrawn | resolved (a replaced resolution)
    Column("decision", String(10)),  # None when withdrawn
    Column("reason", Text),
    Column("at", DateTime(timezone=True), nullable=False),
)

retrieval = Table(
    "retrieval",
    metadata,
    Column("record_id", Integer, ForeignKey("records.id", ondelete="CASCADE"), primary_key=True),
    Column("retrieved", Integer, nullable=False),  # 0 = sought but not retrieved
    Column("note", Text, nullable=False),
)

exclusion_reasons = Table(
    "exclusion_reasons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reason", Text, nullable=False, unique=True),
    Column("added_by", Text),  # migration 3: who added the reason, and when (empty from a review file)
    Column("added_at", DateTime(timezone=True)),
)

studies = Table(
    "studies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("label", Text, nullable=False, unique=True),
)

study_reports = Table(
    "study_reports",
    metadata,
    Column("record_id", Integer, ForeignKey("records.id", ondelete="CASCADE"), primary_key=True),
    Column("study_id", Integer, ForeignKey("studies.id", ondelete="CASCADE"), nullable=False, index=True),
)

rob_assessments = Table(
    "rob_assessments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tool", String(20), nullable=False),  # rob2 | rob1 | robins-i
    Column("variant", String(20), nullable=False),
    Column("aim", String(20), nullable=False),
    Column("study", Text, nullable=False),
    Column("outcome", Text, nullable=False),  # "" = the study as a whole (e.g. RoB 1)
    Column("result", Text, nullable=False),
    Column("overall", String(20)),
    Column("overall_proposed", String(20)),
    Column("overall_justification", Text, nullable=False),
    Column("notes", Text, nullable=False),  # JSON list
    Column("assessor", Text, nullable=False),
    Column("assessed_at", DateTime(timezone=True)),
    Column("saved_by", Text, nullable=False),
    Column("saved_at", DateTime(timezone=True), nullable=False),
    Column("source", Text, nullable=False),
    Index("ix_rob_assessments_key", "tool", "study", "outcome"),
)

rob_domains = Table(
    "rob_domains",
    metadata,
    Column("assessment_id", Integer, ForeignKey("rob_assessments.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("key", String(10), nullable=False),
    Column("name", Text, nullable=False),
    Column("judgement", String(20)),
    Column("proposed", String(20)),
    Column("justification", Text, nullable=False),
    Column("direction", Text, nullable=False),
    Column("path", Text, nullable=False),  # JSON list
    Column("answers", Text, nullable=False),  # JSON object
    Column("comments", Text, nullable=False),  # JSON object
    Column("missing", Text, nullable=False),  # JSON list
)

#: Tables created by migration 1 (later tables come with their own migrations).
V1_TABLES = ("batches", "records", "merges", "dedupe_candidates", "screening_decisions", "final_decisions",
             "retrieval", "exclusion_reasons", "studies", "study_reports")
#: Tables created by migration 2 (risk of bias).
V2_TABLES = ("rob_assessments", "rob_domains")
#: Tables created by migration 3 (screening events).
V3_TABLES = ("screening_events",)
#: Columns migration 3 adds to earlier tables.
V3_COLUMNS = {"exclusion_reasons": ("added_by", "added_at")}
