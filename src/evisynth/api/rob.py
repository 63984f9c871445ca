"""Risk of bias through the public facade: the forms (tools, domains, signalling questions), the
algorithm's proposals, assessments in files and in a project's store, plots and the GRADE link.

What a form (the web app, a notebook) needs, as plain JSON-ready values:

* :func:`rob_form` — the domains and signalling questions of a tool (RoB 2 variant and aim);
* :func:`propose` — the algorithm's proposals for answers given so far (nothing is saved);
* :func:`save_judgements` / :func:`list_judgements` / :func:`load_judgements` / :func:`judgement_history`
  — the project's append-only store (every save is a revision with who and when);
* :func:`read_assessments` / :func:`write_assessments` — TOML/CSV files;
* :func:`forest_rob_for`, :func:`grade_risk_of_bias`, :func:`traffic_light_plot`, :func:`summary_plot`.

>>> form = rob_form("rob2")
>>> [d["key"] for d in form["domains"]]
['D1', 'D2', 'D3', 'D4', 'D5']
>>> p = propose({"study": "A", "answers": {"1.1": "Y", "1.2": "Y", "1.3": "N"}})
>>> p["domains"][0]["proposed"], p["domains"][0]["path"][:1]
('low', ['1.2 Y/PY'])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from evisynth.rob import (
    Assessment,
    assess_judgements,
    assess_rob2,
    default_domains,
    grade_risk_of_bias,
    read_assessments,
    write_assessments,
)
from evisynth.rob.files import build

__all__ = ["Assessment", "assess_judgements", "assess_rob2", "forest_rob_for", "grade_risk_of_bias",
           "judgement_history", "list_judgements", "load_judgements", "propose", "read_assessments", "rob_form",
           "save_judgements", "summary_plot", "traffic_light_plot", "write_assessments"]


def rob_form(tool: str = "rob2", *, variant: str = "parallel", aim: str = "assignment") -> dict[str, Any]:
    """The domains of ``tool`` (``rob2``, ``rob1``, ``robins-i``) with their signalling questions.

    Each question: ``id``, ``label``, ``options`` (accepted answers), ``asked_if`` (the skip-logic
    condition as text, ``None`` when always asked).
    """
    from evisynth.rob.model import judgement_levels

    t = tool.strip().lower()
    specs = default_domains(t, variant, aim)
    domains = []
    for d in specs:
        domains.append({"key": d.key, "name": d.name, "questions": [
            {"id": x.id, "label": x.label, "options": sorted(x.options),
             "asked_if": str(x.when) if x.when is not None else None} for x in d.questions]})
    return {"tool": t, "variant": variant if t == "rob2" else None, "aim": aim if t == "rob2" else None,
            "judgements": list(judgement_levels(t)), "domains": domains}


def propose(record: Mapping[str, Any]) -> dict[str, Any]:
    """The assessment ``record`` (the shape of one TOML ``[[assessment]]``: ``study``, ``answers``,
    ``judgements``, ...) with each domain's proposal, route and missing answers; raises
    :class:`~evisynth.errors.InputError` naming the question on an answer the skip logic forbids."""
    return build(record).to_dict()


def _project(project: Any) -> Any:
    from evisynth.store.project import Project

    return project if isinstance(project, Project) else Project(Path(project))


def save_judgements(project: Any, assessments: Iterable[Assessment | Mapping[str, Any]], *, by: str) -> list[int]:
    """Save assessments (objects or records as :func:`propose` takes) into a project's store; their ids."""
    from evisynth.store.rob_store import save_assessments

    items = [a if isinstance(a, Assessment) else build(a) for a in assessments]
    return save_assessments(_project(project), items, by=by)


def load_judgements(project: Any, *, outcome: str | None = None, tool: str | None = None) -> list[Assessment]:
    """The current assessments (latest revision of each tool, study and outcome)."""
    from evisynth.store.rob_store import load_assessments

    return load_assessments(_project(project), tool=tool, outcome=outcome)


def list_judgements(project: Any) -> list[dict[str, Any]]:
    """One row per current assessment (tool, study, outcome, overall, who, when, revisions)."""
    from evisynth.store.rob_store import list_assessments

    return list_assessments(_project(project))


def judgement_history(project: Any, *, study: str | None = None, outcome: str | None = None) -> list[dict[str, Any]]:
    """Every stored revision (oldest first): id, who saved it and when, and the assessment."""
    from evisynth.store.rob_store import assessment_history

    return [{"id": s.id, "saved_by": s.saved_by, "saved_at": s.saved_at.isoformat(),
             "assessment": s.assessment.to_dict()}
            for s in assessment_history(_project(project), study=study, outcome=outcome)]


def forest_rob_for(project: Any, outcome: str | None = None) -> dict[str, dict[str, str]]:
    """``{study: {"D1": ..., "Overall": ...}}`` from the store, for ``ForestOptions(rob=...)``."""
    from evisynth.store.rob_store import forest_rob_for as _forest

    return _forest(_project(project), outcome)


def traffic_light_plot(assessments: list[Assessment], **kwargs: Any) -> Any:
    """A robvis-style traffic-light plot (a matplotlib Figure); see :mod:`evisynth.plots.rob_traffic_light`."""
    from evisynth.plots import rob_traffic_light

    return rob_traffic_light.traffic_light_plot(assessments, **kwargs)


def summary_plot(assessments: list[Assessment], **kwargs: Any) -> Any:
    """A robvis-style summary bar plot, ``weights={study: percent}`` for a weighted one."""
    from evisynth.plots import rob_summary

    return rob_summary.summary_plot(assessments, **kwargs)
