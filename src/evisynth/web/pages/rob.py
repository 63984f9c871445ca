"""Risk of bias: RoB 2 judgements (D1-D5 and overall) per study of the review's outcome grids, saved in
the project folder (``assessments/risk_of_bias.csv``) and used at once by Certainty & summary.

Everything comes from :mod:`evisynth.api.webrob`; this module formats and routes.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from evisynth.api.webrob import DOMAIN_COLUMNS, DOMAIN_NAMES, JUDGEMENTS, ROB_FILE, app_rob_file, rob_rows, save_rob
from evisynth.errors import EvisynthError
from evisynth.web.templating import author, flash, render

MAX_ROWS = 2000


def page(request: Request) -> Response:
    folder = request.app.state.folder
    try:
        rows, error = rob_rows(folder), None
    except EvisynthError as exc:
        rows, error = [], str(exc)
    return render(request, "rob.html", {"rows": rows, "error": error, "domains": DOMAIN_COLUMNS,
                                        "domain_names": DOMAIN_NAMES, "judgements": JUDGEMENTS,
                                        "saved": app_rob_file(folder) is not None, "file": ROB_FILE.as_posix()},
                  page="rob")


async def save(request: Request) -> Response:
    form = await request.form()
    count = str(form.get("nrows", "0"))
    n = min(int(count), MAX_ROWS) if count.isdigit() else 0
    rows = [{"study": str(form.get(f"s-{i}", "")),
             **{col: str(form.get(f"{col}-{i}", "")) for col in (*DOMAIN_COLUMNS, "overall")}} for i in range(n)]
    try:
        path = save_rob(request.app.state.folder, rows, who=author(request))
    except EvisynthError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse("/rob", status_code=303)
    judged = sum(1 for r in rows if any(r[c].strip() for c in (*DOMAIN_COLUMNS, "overall")))
    flash(request, f"saved the judgements of {judged} stud{'y' if judged == 1 else 'ies'} to {ROB_FILE.as_posix()}; "
                   "Certainty & summary uses them now" if path is not None else "nothing judged yet: nothing saved")
    return RedirectResponse("/rob", status_code=303)


routes: list[BaseRoute] = [Route("/rob", page, name="rob"), Route("/rob/save", save, methods=["POST"])]
