"""Risk-of-bias assessments in the project store: round trip, revisions (audit), migration from v1."""

from datetime import UTC, datetime

import pytest
import sqlalchemy

from evisynth.errors import InputError
from evisynth.rob import assess_judgements, assess_rob2
from evisynth.store import migrations, schema
from evisynth.store.project import Project
from evisynth.store.rob_store import (
    assessment_history,
    forest_rob_for,
    list_assessments,
    load_assessments,
    overall_for,
    save_assessments,
)

ANSWERS = {"1.1": "Y", "1.2": "Y", "1.3": "N", "2.1": "Y", "2.2": "Y", "2.3": "Y", "2.4": "Y", "2.5": "N",
           "2.6": "Y", "3.1": "Y", "4.1": "N", "4.2": "N", "4.3": "N", "5.1": "Y", "5.2": "N", "5.3": "N"}


def test_store_round_trip_and_revisions(tmp_path):
    a = assess_rob2("Smith 2019", "Pain", ANSWERS, assessor="JH", assessed_at="2025-03-01T10:00:00+00:00",
                    comments={"2.3": "open-label; rescue medication in control arm"})
    r1 = assess_judgements("rob1", "Jones 2021", None, {"D1": "unclear", "D2": "low"}, support={"D1": "not described"})
    with Project(tmp_path) as p:
        save_assessments(p, [a, r1], by="JH")
        back = load_assessments(p)
        assert [x.to_dict() for x in back] == [a.to_dict(), r1.to_dict()]
        revised = assess_rob2("Smith 2019", "Pain", ANSWERS, judgements={"D2": "some concerns"},
                              justifications={"D2": "deviations were few"}, assessor="JH, AB")
        save_assessments(p, [revised], by="AB")
        current = load_assessments(p, outcome="Pain")
        assert current[0].domain("D2").judgement == "some concerns" and current[1].study == "Jones 2021"
        history = assessment_history(p, study="Smith 2019")
        assert [h.saved_by for h in history] == ["JH", "AB"]
        assert history[0].assessment.domain("D2").judgement == "high"   # the earlier revision is kept
        listing = list_assessments(p)
        assert [(r["study"], r["revisions"], r["saved_by"]) for r in listing] == [("Jones 2021", 1, "JH"),
                                                                                ("Smith 2019", 2, "AB")]
        assert forest_rob_for(p, "Pain")["Smith 2019"]["D2"] == "some concerns"
        assert overall_for(p, "Pain") == {"Jones 2021": "unclear", "Smith 2019": "some concerns"}
        with pytest.raises(InputError, match="who saves them"):
            save_assessments(p, [a], by=" ")


def test_a_version_1_store_is_upgraded(tmp_path):
    url = f"sqlite:///{tmp_path / 'evisynth.db'}"
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:   # a store as evisynth left it before the risk-of-bias tables existed
        schema.schema_version.create(conn)
        schema.metadata.create_all(conn, tables=[t for t in schema.metadata.sorted_tables if t.name in schema.V1_TABLES])
        for column in schema.V3_COLUMNS["exclusion_reasons"]:   # columns added to a version 1 table later
            conn.exec_driver_sql(f"ALTER TABLE exclusion_reasons DROP COLUMN {column}")
        conn.execute(sqlalchemy.insert(schema.schema_version).values(version=1, applied_at=datetime.now(UTC)))
        conn.execute(sqlalchemy.insert(schema.studies).values(label="kept"))
    engine.dispose()
    with Project(tmp_path) as p:
        assert p.schema_version == migrations.LATEST == 3
        save_assessments(p, [assess_judgements("rob1", "A", None, {"D1": "low"})], by="me")
        assert load_assessments(p)[0].overall == "low"
        with p.engine.connect() as conn:
            assert conn.execute(sqlalchemy.select(schema.studies.c.label)).scalar_one() == "kept"
