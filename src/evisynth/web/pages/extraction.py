"""Page 4, Data extraction: per outcome a spreadsheet-like grid of arm-level data (continuous,
dichotomous, generic) checked with the command line's messages, the conversion helpers with their
derivation, paste from a spreadsheet, import/export CSV and Excel, subgroup and moderator columns.

Everything is done by :mod:`evisynth.api.extraction`; this module only reads forms and renders.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from evisynth.api.extraction import (
    CONVERSIONS,
    STARTER_COLUMNS,
    Grid,
    check_grid,
    convert,
    display_order,
    grid_csv,
    grid_from_file,
    grid_path,
    grid_xlsx,
    kept_versions,
    outcome_grids,
    parse_paste,
    save_grid,
)
from evisynth.errors import EvisynthError
from evisynth.web.templating import author, flash, render

BLANK_ROWS = 3


def _outcomes(request: Request) -> list[tuple[str, Grid, str]]:
    folder = request.app.state.folder
    try:
        grids = outcome_grids(folder)
    except EvisynthError as exc:  # a review file or data file that cannot be read: its one-line message
        raise HTTPException(409, f"the review's outcomes cannot be read: {exc}") from None
    return [(name, grid, str(path.relative_to(folder)) if path.is_relative_to(folder) else path.name)
            for name, (grid, path) in grids.items()]


def _pick(request: Request, value: Any, outcome: Any = None) -> tuple[int, str, Grid, str]:
    """The outcome a request is about: by its name when a form sends one (``outcome``: positions shift
    when someone adds an outcome meanwhile, names do not), else by its position ``o``."""
    outcomes = _outcomes(request)
    if not outcomes:
        raise HTTPException(404, "no outcome yet: add one on the data extraction page")
    if isinstance(outcome, str) and outcome:
        for i, o in enumerate(outcomes):
            if o[0] == outcome:
                return (i, *o)
        raise HTTPException(404, "no such outcome")
    text = str(value or "0")
    i = int(text) if text.isdigit() else 0
    if i >= len(outcomes):
        raise HTTPException(404, "no such outcome")
    return (i, *outcomes[i])


def _rows_view(grid: Grid, derived: tuple[str, ...]) -> list[tuple[tuple[str, ...], str]]:
    """Each row with what was derived for it (rows with cells only; blank rows get "")."""
    out, j = [], 0
    for row in grid.rows:
        filled = any(c.strip() for c in row)
        out.append((row, derived[j] if filled and j < len(derived) else ""))
        j += filled
    return out


def page(request: Request) -> Response:
    outcomes = _outcomes(request)
    from evisynth.api.reviewfile import review_file

    ctx: dict[str, Any] = {"outcomes": [o[0] for o in outcomes], "conversions": CONVERSIONS,
                           "kinds": list(STARTER_COLUMNS), "has_review": review_file(request.app.state.folder) is not None}
    if outcomes:
        i, name, saved, source = _pick(request, request.query_params.get("o"))
        check = check_grid(saved, source)
        grid, ndata = display_order(saved)  # study, the data columns, then the others: shown and saved so
        width = len(grid.header)
        blank = tuple(("",) * width for _ in range(BLANK_ROWS))
        ctx.update(current=i, name=name, grid=grid, source=source, check=check, ndata=max(ndata, 1),
                   rows=_rows_view(Grid(grid.header, grid.rows + blank), check.derived))
    return render(request, "extraction/index.html", ctx, page="extraction")


def _grid_from_form(form: FormData) -> Grid:
    ncols = int(str(form.get("ncols", "0")))
    nrows = int(str(form.get("nrows", "0")))
    header = [str(form.get(f"h-{j}", "")).strip() for j in range(ncols)]
    extra = str(form.get("new_column", "")).strip()
    rows = [[str(form.get(f"c-{i}-{j}", "")).strip() for j in range(ncols)] for i in range(nrows)]
    keep = [j for j, h in enumerate(header) if h]
    if extra and extra not in header:
        header.append(extra)
        keep.append(len(header) - 1)
        rows = [[*r, ""] for r in rows]
    return Grid(tuple(header[j] for j in keep),
                tuple(tuple(r[j] for j in keep) for r in rows if any(c for c in r)))


async def save(request: Request) -> Response:
    form = await request.form()
    i, name, _, _ = _pick(request, form.get("o"), form.get("outcome"))
    try:
        grid = _grid_from_form(form)
    except ValueError:
        raise HTTPException(400, "malformed grid form") from None
    return _store(request, i, name, grid)


async def check(request: Request) -> Response:
    """Check the grid as it is typed (htmx, nothing saved): the check's message in ``#grid-check``."""
    form = await request.form()
    _, _, _, source = _pick(request, form.get("o"), form.get("outcome"))
    try:
        grid = _grid_from_form(form)
    except ValueError:
        raise HTTPException(400, "malformed grid form") from None
    return render(request, "extraction/check.html", {"check": check_grid(grid, source)}, page="extraction")


def _store(request: Request, i: int, name: str, grid: Grid, replacing: bool = False) -> Response:
    """Save the grid and say so; ``replacing`` (paste, import) also says where the table it replaced is kept."""
    who = author(request)
    folder = request.app.state.folder
    before = set(kept_versions(folder, name))
    path = save_grid(folder, name, grid, who=who)
    new = sorted(set(kept_versions(folder, name)) - before)
    kept = f" (the previous table is kept in {new[-1]})" if replacing and new else ""
    check = check_grid(grid, path.name)
    if check.ok:
        rows = f"{len(grid.rows)} row{'' if len(grid.rows) == 1 else 's'}"
        flash(request, f"saved {rows} of {name} to extraction/{path.name}; the table reads as "
                       f"{check.kind} data{kept}")
    else:
        flash(request, f"saved to extraction/{path.name}{kept}, but: {check.error}", "error")
    return RedirectResponse(f"/extraction?o={i}", status_code=303)


async def paste(request: Request) -> Response:
    form = await request.form()
    i, name, _, _ = _pick(request, form.get("o"), form.get("outcome"))
    try:
        grid = parse_paste(str(form.get("text", "")))
    except EvisynthError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(f"/extraction?o={i}", status_code=303)
    return _store(request, i, name, grid, replacing=True)


async def upload(request: Request) -> Response:
    form = await request.form()
    i, name, _, _ = _pick(request, form.get("o"), form.get("outcome"))
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        flash(request, "choose a .csv, .tsv or .xlsx file to import", "error")
        return RedirectResponse(f"/extraction?o={i}", status_code=303)
    try:
        grid = grid_from_file(await file.read(), file.filename)
    except (EvisynthError, ValueError) as exc:
        flash(request, str(exc).splitlines()[0], "error")
        return RedirectResponse(f"/extraction?o={i}", status_code=303)
    return _store(request, i, name, grid, replacing=True)


async def new(request: Request) -> Response:
    form = await request.form()
    name = str(form.get("name", "")).strip()
    kind = str(form.get("kind", "continuous"))
    if not name or kind not in STARTER_COLUMNS:
        flash(request, "give the outcome a name and choose continuous, dichotomous or generic data", "error")
        return RedirectResponse("/extraction", status_code=303)
    folder = request.app.state.folder
    path = grid_path(folder, name)
    names = [o[0] for o in _outcomes(request)]
    known = next((k for k, n in enumerate(names) if grid_path(folder, n) == path), None)
    if known is not None:  # an outcome of that name (or file) exists: open it, never replace its grid
        flash(request, f"outcome {names[known]} exists already: its grid is below")
        return RedirectResponse(f"/extraction?o={known}", status_code=303)
    from evisynth.api.reviewfile import review_file

    if review_file(folder) is not None:  # the review file lists the outcomes: one place to add them
        flash(request, "this review's outcomes are added on the Project page (Add an outcome, with its measure, "
                       "importance and direction); its grid then appears here", "error")
        return RedirectResponse("/extraction", status_code=303)
    save_grid(folder, name, Grid(STARTER_COLUMNS[kind], ()))
    names = [o[0] for o in _outcomes(request)]
    i = next((k for k, n in enumerate(names) if grid_path(folder, n) == path), 0)
    flash(request, f"new outcome {name}: enter one row per comparison")
    return RedirectResponse(f"/extraction?o={i}", status_code=303)


def export(request: Request) -> Response:
    _, name, grid, _ = _pick(request, request.query_params.get("o"))
    fmt = request.url.path.rsplit(".", 1)[-1]
    stem = "".join(c if c.isalnum() else "_" for c in name).strip("_") or "outcome"
    if fmt == "csv":
        # a byte-order mark: Excel on Windows reads the file as UTF-8 ("Müller", "−", "⊕"), every reader skips it
        return Response("\ufeff" + grid_csv(grid), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{stem}.csv"'})
    return Response(grid_xlsx(grid), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"content-disposition": f'attachment; filename="{stem}.xlsx"'})


async def conversion(request: Request) -> Response:
    form = await request.form()
    kind = str(form.get("kind", ""))
    values = {k: str(v) for k, v in form.items() if isinstance(v, str) and k not in ("kind", "csrf_token")}
    ctx: dict[str, Any] = {"result": None, "error": None, "key": kind if kind in CONVERSIONS else ""}
    try:
        ctx["result"] = convert(kind, **values)
    except EvisynthError as exc:
        ctx["error"] = str(exc)
    if request.headers.get("HX-Request") != "true":  # a plain form post (no JavaScript): back to the page
        r = ctx["result"]
        flash(request, ctx["error"] or f"{r.value:.4g}" + (f" and SD {r.second:.4g}" if r.second is not None else "")
              + f" — {r.derivation}", "error" if ctx["error"] else "info")
        return RedirectResponse("/extraction", status_code=303)
    return render(request, "extraction/conversion.html", ctx, page="extraction")


routes: list[BaseRoute] = [
    Route("/extraction", page, name="extraction"),
    Route("/extraction/save", save, methods=["POST"]),
    Route("/extraction/check", check, methods=["POST"]),
    Route("/extraction/paste", paste, methods=["POST"]),
    Route("/extraction/import", upload, methods=["POST"]),
    Route("/extraction/new", new, methods=["POST"]),
    Route("/extraction/convert", conversion, methods=["POST"]),
    Route("/extraction/export.csv", export),
    Route("/extraction/export.xlsx", export),
]
