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
``retrieval``             full texts sought but not retrieved
``exclusion_reasons``     the review's list of full-text exclusion reasons
``studies``               study labels (the label data files use)
``study_reports``         which included report belongs to which study
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
