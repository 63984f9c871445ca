"""RevMan Web's data package (version 1): the zipped CSVs of a review's analyses, read and written.

Layout (Cochrane RevMan knowledge base, "Data package specification", version 1,
https://documentation.cochrane.org/revman-kb/data-package-specification-249561249.html; the file
names as R package meta's ``read.cdir`` documents them)::

    <ID>-analysis-data/<ID>-overall-estimates-and-settings.csv   one row per analysis (settings, totals)
    <ID>-analysis-data/<ID>-data-rows.csv                        one row per study and analysis
    <ID>-analysis-data/<ID>-subgroup-estimates.csv               one row per subgroup
    <ID>-study-data/<ID>-risk-of-bias.csv                        Study, "Domain (judgement): <name>",
                                                                 "Domain (support): <name>" (RoB 1)

The files may sit in a top folder inside the zip. Values are mapped onto the same model as a
RevMan 5 ``.rm5`` file (:mod:`evisynth.io.revman.model`, RevMan 5's attribute names), so an
imported package is written, re-analysed and checked exactly as an ``.rm5`` is. Estimates and CIs
("Mean", "CI start", "CI end") are on the forest plot's scale (odds ratios, not log odds ratios);
"GIV Mean"/"GIV SE" are on the analysis scale.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from evisynth.errors import InputError
from evisynth.io.revman.model import Comparison, DataRow, Outcome, QualityEntry, QualityItem, Review, Study, Subgroup

__all__ = ["from_data_package", "read_data_package", "to_data_package", "write_data_package"]

MAX_BYTES = 200_000_000   # uncompressed size refused beyond this (zip bombs)
MAX_MEMBERS = 10_000

DATA_TYPES = {"DICH": "Dichotomous", "CONT": "Continuous", "IV": "Contrast level"}
METHODS = {"MH": "Mantel-Haenszel", "IV": "Inverse Variance", "PETO": "Peto"}
MEASURES = {"OR": "Odds Ratio", "RR": "Risk Ratio", "RD": "Risk Difference", "PETO_OR": "Peto Odds Ratio",
            "MD": "Mean Difference", "SMD": "Std. Mean Difference"}
ROB_WORDS = {"YES": "Low risk", "NO": "High risk", "UNKNOWN": "Unclear risk"}

SETTINGS_COLUMNS = (
    "Analysis group", "Analysis number", "Analysis name", "Analysis group name", "Data source",
    "Data source eligibility", "Data type", "Log-scale data", "Outcome", "Intervention grouping",
    "Experimental intervention", "Control intervention", "Subgroup by", "Filter criteria",
    "Experimental group label", "Control group label", "Statistical method", "Effect measure",
    "Unit of effect measure", "Analysis model", "Subgroup estimates", "Overall estimates",
    "Test for subgroup differences", "Swap event and non-event", "Study CI", "Estimate CI", "Experimental cases",
    "Experimental N", "Control cases", "Control N", "Mean", "CI start", "CI end", "Heterogeneity Tau²",
    "Heterogeneity Chi²", "Heterogeneity df", "Heterogeneity P", "Heterogeneity I²", "Effect Z", "Effect P",
    "Subgroup Chi²", "Subgroup df", "Subgroup P", "Subgroup I²", "Analysis ID",
    "Graph label (left)", "Graph label (right)")  # the last two: in later packages; read when present
ROW_COLUMNS = (
    "Analysis group", "Analysis number", "Analysis name", "Subgroup", "Study", "Study year", "GIV Mean", "GIV SE",
    "Experimental mean", "Experimental SD", "Experimental cases", "Experimental N", "Control mean", "Control SD",
    "Control cases", "Control N", "O-E", "Variance", "Weight", "Mean", "CI start", "CI end", "Footnotes")
SUBGROUP_COLUMNS = (
    "Analysis group", "Analysis number", "Subgroup", "Subgroup number", "Experimental cases", "Experimental N",
    "Control cases", "Control N", "Weight", "Mean", "CI start", "CI end", "Heterogeneity Tau²",
    "Heterogeneity Chi²", "Heterogeneity df", "Heterogeneity P", "Heterogeneity I²", "Effect Z", "Effect P")

#: data-package column → RevMan 5 attribute, for totals (outcome and subgroup rows)
_RESULTS = {"Experimental cases": "EVENTS_1", "Experimental N": "TOTAL_1", "Control cases": "EVENTS_2",
            "Control N": "TOTAL_2", "Mean": "EFFECT_SIZE", "CI start": "CI_START", "CI end": "CI_END",
            "Heterogeneity Tau²": "TAU2", "Heterogeneity Chi²": "CHI2", "Heterogeneity df": "DF",
            "Heterogeneity P": "P_CHI2", "Heterogeneity I²": "I2", "Effect Z": "Z", "Effect P": "P_Z",
            "Weight": "WEIGHT"}
_OVERALL = {"Subgroup Chi²": "Q", "Subgroup df": "DF_Q", "Subgroup P": "P_Q", "Subgroup I²": "I2_Q"}
_ROW = {"Experimental mean": "MEAN_1", "Experimental SD": "SD_1", "Experimental cases": "EVENTS_1",
        "Experimental N": "TOTAL_1", "Control mean": "MEAN_2", "Control SD": "SD_2", "Control cases": "EVENTS_2",
        "Control N": "TOTAL_2", "O-E": "O_E", "Variance": "VAR", "Weight": "WEIGHT", "CI start": "CI_START",
        "CI end": "CI_END"}
_FLAGS = {"Subgroup estimates": "SUBGROUPS", "Overall estimates": "TOTALS",
          "Test for subgroup differences": "SUBGROUP_TEST", "Swap event and non-event": "SWAP_EVENTS"}


# --------------------------------------------------------------------------------------------- writing
def _yes(value: str | None) -> str:
    return "TRUE" if (value or "").upper() == "YES" else "FALSE"


def _csv(columns: tuple[str, ...], rows: Iterable[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\r\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return buf.getvalue().encode("utf-8")


def _ratio(o: Outcome) -> bool:
    from evisynth.io.revman.settings import is_ratio

    return is_ratio(o)


def to_data_package(review: Review, package_id: str = "evisynth") -> dict[str, bytes]:
    """The data package's files (path inside the zip → CSV bytes, UTF-8)."""
    settings, rows, groups = [], [], []
    for c, o in review.outcomes():
        a = o.attrs
        s = {"Analysis group": str(c.no), "Analysis number": str(o.no), "Analysis name": o.name,
             "Analysis group name": c.name, "Data source": "Custom input", "Data type": DATA_TYPES[o.kind],
             "Log-scale data": "TRUE" if _ratio(o) else "FALSE",
             "Experimental group label": o.group_label_1, "Control group label": o.group_label_2,
             "Statistical method": METHODS.get(a.get("METHOD", "IV").upper(), a.get("METHOD", "")),
             "Effect measure": MEASURES.get(a.get("EFFECT_MEASURE", "").upper(), a.get("EFFECT_MEASURE", "")),
             "Analysis model": "Random effect" if a.get("RANDOM") == "YES" else "Fixed effect",
             "Study CI": f"{a.get('CI_STUDY', '95')}%", "Estimate CI": f"{a.get('CI_TOTAL', '95')}%",
             "Analysis ID": a.get("ID", ""), "Graph label (left)": o.graph_label_1,
             "Graph label (right)": o.graph_label_2}
        s.update({k: _yes(a.get(v, "YES" if v != "SWAP_EVENTS" else "NO")) for k, v in _FLAGS.items()})
        s.update({k: a.get(v, "") for k, v in {**_RESULTS, **_OVERALL}.items() if k != "Weight"})
        settings.append(s)
        for g, r in o.all_rows():
            ra = r.attrs
            row = {"Analysis group": str(c.no), "Analysis number": str(o.no), "Analysis name": o.name,
                   "Subgroup": g.name if g else "", "Study": review.study_name(r.study_id),
                   "Study year": review.studies[r.study_id].year}
            row.update({k: ra.get(v, "") for k, v in _ROW.items()})
            if o.kind == "IV":
                row.update({"GIV Mean": ra.get("EFFECT_SIZE", ""), "GIV SE": ra.get("SE", "")})
            else:
                row.update({"GIV Mean": ra.get("LOG_EFFECT_SIZE", ra.get("EFFECT_SIZE", "")) if _ratio(o)
                            else ra.get("EFFECT_SIZE", ""), "GIV SE": ra.get("SE", ""),
                            "Mean": ra.get("EFFECT_SIZE", "")})
            if ra.get("ESTIMABLE", "YES") != "YES":  # RevMan 5 stores 0.0 for a study it cannot estimate
                row.update({k: "" for k in ("GIV Mean", "GIV SE", "Mean", "CI start", "CI end", "Weight")})
            rows.append(row)
        for g in o.subgroups:
            sg = {"Analysis group": str(c.no), "Analysis number": str(o.no), "Subgroup": g.name,
                  "Subgroup number": str(g.no)}
            sg.update({k: g.attrs.get(v, "") for k, v in _RESULTS.items()})
            groups.append(sg)
    files = {f"{package_id}-analysis-data/{package_id}-overall-estimates-and-settings.csv": _csv(SETTINGS_COLUMNS, settings),
             f"{package_id}-analysis-data/{package_id}-data-rows.csv": _csv(ROW_COLUMNS, rows),
             f"{package_id}-analysis-data/{package_id}-subgroup-estimates.csv": _csv(SUBGROUP_COLUMNS, groups)}
    items = [q for q in review.quality_items if q.entries]
    if items:
        cols = ("Study", *[f"Domain (judgement): {q.name}" for q in items],
                *[f"Domain (support): {q.name}" for q in items])
        by_study: dict[str, dict[str, str]] = {}
        for q in items:
            for e in q.entries:
                rec = by_study.setdefault(e.study_id, {"Study": review.study_name(e.study_id)})
                rec[f"Domain (judgement): {q.name}"] = ROB_WORDS.get(e.result.upper(), e.result)
                rec[f"Domain (support): {q.name}"] = e.description
        files[f"{package_id}-study-data/{package_id}-risk-of-bias.csv"] = _csv(tuple(cols), by_study.values())
    return files


def write_data_package(review: Review, path: str | Path, *, force: bool = False,
                       inputs: tuple[str, ...] = ()) -> Path:
    """Write ``review`` as a RevMan Web data package (``.zip``), atomically."""
    from evisynth.files import write_output

    package_id = Path(path).stem or "evisynth"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in to_data_package(review, package_id).items():
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return write_output(Path(path), buf.getvalue(), force=force, inputs=inputs, by="export-review")


# --------------------------------------------------------------------------------------------- reading
def _rows(files: dict[str, bytes], suffix: str, source: str, required: bool = True) -> list[dict[str, str]]:
    found = [n for n in files if n.lower().endswith(suffix)]
    if not found:
        if required:
            raise InputError(f"not a RevMan Web data package: no '*{suffix}' in the zip (expected the "
                             "'<ID>-analysis-data' folder of the version 1 data package)", file=source)
        return []
    try:
        text = files[found[0]].decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{found[0]}: not UTF-8 text", file=source) from None
    return [{(k or "").strip(): (v or "").strip() for k, v in r.items()} for r in csv.DictReader(io.StringIO(text))]


def _int(r: dict[str, str], key: str, source: str, name: str, line: int) -> int:
    try:
        return int(float(r.get(key, "")))
    except ValueError:
        raise InputError(f"{name} row {line}: column '{key}' must be a number; got {r.get(key)!r}",
                         file=source) from None


def _code(value: str, table: dict[str, str], what: str, source: str, name: str, line: int) -> str:
    def norm(text: str) -> str:
        return " ".join(text.lower().replace("-", " ").replace(".", " ").split())

    lookup = {norm(v): k for k, v in table.items()} | {norm(k): k for k in table}
    key = lookup.get(norm(value))
    if key is None and what == "effect measure":
        return value  # generic inverse variance: RevMan's own label (HR, Rate ratio, ...)
    if key is None:
        raise InputError(f"{name} row {line}: unknown {what} {value!r}; accepted: {', '.join(table.values())}",
                         file=source)
    return key


def from_data_package(files: dict[str, bytes], source: str = "<data package>") -> Review:
    """A :class:`Review` from a data package's files (path inside the zip → bytes)."""
    settings = _rows(files, "-overall-estimates-and-settings.csv", source)
    rows = _rows(files, "-data-rows.csv", source)
    groups = _rows(files, "-subgroup-estimates.csv", source, required=False)
    sname, rname = "overall-estimates-and-settings.csv", "data-rows.csv"
    studies: dict[str, Study] = {}
    comparisons: dict[int, Comparison] = {}
    outcomes: dict[tuple[int, int], Outcome] = {}
    for i, s in enumerate(settings, start=2):
        cno, ono = _int(s, "Analysis group", source, sname, i), _int(s, "Analysis number", source, sname, i)
        kind = _code(s.get("Data type", ""), DATA_TYPES, "data type", source, sname, i)
        method = _code(s.get("Statistical method", "") or "Inverse Variance", METHODS, "statistical method",
                       source, sname, i)
        measure = _code(s.get("Effect measure", ""), MEASURES, "effect measure", source, sname, i)
        attrs = {"METHOD": method, "EFFECT_MEASURE": measure, "ID": s.get("Analysis ID", ""),
                 "RANDOM": "YES" if s.get("Analysis model", "").lower().startswith("random") else "NO",
                 "CI_STUDY": s.get("Study CI", "95").rstrip("%") or "95",
                 "CI_TOTAL": s.get("Estimate CI", "95").rstrip("%") or "95", "ESTIMABLE": "YES"}
        if kind == "IV":
            attrs["LOG_DATA"] = "YES" if s.get("Log-scale data", "").upper() == "TRUE" else "NO"
        attrs.update({v: "YES" if s.get(k, "").upper() == "TRUE" else "NO" for k, v in _FLAGS.items() if k in s})
        attrs.update({v: s[k] for k, v in {**_RESULTS, **_OVERALL}.items() if s.get(k)})
        if (cno, ono) in outcomes:
            raise InputError(f"{sname} row {i}: analysis {cno}.{ono} appears twice", file=source)
        comparison = comparisons.setdefault(cno, Comparison(cno, s.get("Analysis group name", "")))
        outcome = Outcome(kind, ono, s.get("Analysis name", ""), attrs, s.get("Experimental group label", ""),
                          s.get("Control group label", ""), s.get("Graph label (left)", ""),
                          s.get("Graph label (right)", ""))
        comparison.outcomes.append(outcome)
        outcomes[(cno, ono)] = outcome
    for i, g in enumerate(groups, start=2):
        key = (_int(g, "Analysis group", source, "subgroup-estimates.csv", i),
               _int(g, "Analysis number", source, "subgroup-estimates.csv", i))
        if key not in outcomes:
            raise InputError(f"subgroup-estimates.csv row {i}: analysis {key[0]}.{key[1]} is not in {sname}",
                             file=source)
        no = _int(g, "Subgroup number", source, "subgroup-estimates.csv", i)
        outcomes[key].subgroups.append(Subgroup(no, g.get("Subgroup", ""), {
            "ESTIMABLE": "YES", **{v: g[k] for k, v in _RESULTS.items() if g.get(k)}}))
    for i, r in enumerate(rows, start=2):
        key = (_int(r, "Analysis group", source, rname, i), _int(r, "Analysis number", source, rname, i))
        target = outcomes.get(key)
        if target is None:
            raise InputError(f"{rname} row {i}: analysis {key[0]}.{key[1]} is not in {sname}", file=source)
        name = r.get("Study", "")
        if not name:
            raise InputError(f"{rname} row {i}: column 'Study' is empty", file=source)
        sid = f"STD-{name}"
        studies.setdefault(sid, Study(sid, name, r.get("Study year", "")))
        attrs = {v: r[k] for k, v in _ROW.items() if r.get(k)}
        if target.kind == "IV":
            attrs.update({k: v for k, v in (("EFFECT_SIZE", r.get("GIV Mean", "")), ("SE", r.get("GIV SE", ""))) if v})
        elif r.get("Mean"):
            attrs["EFFECT_SIZE"] = r["Mean"]
        attrs["ESTIMABLE"] = "YES" if r.get("Mean") or r.get("GIV Mean") else "NO"
        row = DataRow(sid, attrs)
        label = r.get("Subgroup", "")
        if label:
            group = next((g for g in target.subgroups if g.name == label), None)
            if group is None:
                group = Subgroup(len(target.subgroups) + 1, label, {"ESTIMABLE": "YES"})
                target.subgroups.append(group)
            group.rows.append(row)
        else:
            target.rows.append(row)
    for o in outcomes.values():
        o.subgroups.sort(key=lambda g: g.no)
        if o.subgroups:
            o.attrs["SUBGROUPS"] = "YES"
            o.rows = []
    items = _rob(_rows(files, "-risk-of-bias.csv", source, required=False), studies)
    title = Path(source).stem
    return Review(title, studies, [comparisons[k] for k in sorted(comparisons)], items, source)


def _rob(rows: list[dict[str, str]], studies: dict[str, Study]) -> list[QualityItem]:
    if not rows:
        return []
    names = [k.split(":", 1)[1].strip() for k in rows[0] if k.lower().startswith("domain (judgement):")]
    words = {w.lower(): k for k, w in ROB_WORDS.items()} | {"low": "YES", "high": "NO", "unclear": "UNKNOWN",
                                                             "some concerns": "UNKNOWN"}
    items = []
    for n, name in enumerate(names, start=1):
        item = QualityItem(f"QIT-{n:02d}", n, name)
        for r in rows:
            sid = f"STD-{r.get('Study', '')}"
            value = r.get(f"Domain (judgement): {name}", "")
            if sid in studies and value:
                item.entries.append(QualityEntry(sid, words.get(value.lower(), "UNKNOWN"),
                                                 r.get(f"Domain (support): {name}", "")))
        items.append(item)
    return items


def read_data_package(path: str | Path) -> Review:
    """Read a RevMan Web data package (``.zip``); a file that is not one gets one clear line."""
    p = Path(path)
    try:
        with zipfile.ZipFile(p) as z:
            infos = [i for i in z.infolist() if not i.is_dir()]
            if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_BYTES:
                raise InputError(f"the zip holds more than {MAX_MEMBERS} files or {MAX_BYTES // 1_000_000} MB "
                                 "uncompressed; not a RevMan Web data package", file=str(p))
            files = {i.filename: z.read(i) for i in infos if i.filename.lower().endswith(".csv")}
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile):
        raise InputError("not a readable zip file (a RevMan Web data package is a .zip of CSV files)",
                         file=str(p)) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", file=str(p)) from None
    return from_data_package(files, str(p))
