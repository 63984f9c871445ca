"""Downloads of the project's own output files, and nothing else (no path traversal)."""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

#: Kinds of output a review writes (reports, figures, tables, analysis documents).
OUTPUT_SUFFIXES = frozenset({".html", ".md", ".json", ".csv", ".svg", ".png", ".pdf", ".docx", ".xlsx", ".txt"})


def output_file(folder: Path, relative: str) -> Path | None:
    """The output file ``relative`` inside ``folder``, or ``None`` when it is not one (outside the
    folder, hidden, a database or not an output kind)."""
    if not relative or "\\" in relative or "\x00" in relative:
        return None
    parts = Path(relative).parts
    if Path(relative).is_absolute() or any(p in ("..", ".") or p.startswith(".") for p in parts):
        return None
    root = folder.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root) or not target.is_file() or target.suffix.lower() not in OUTPUT_SUFFIXES:
        return None
    return target


def download(request: Request) -> Response:
    target = output_file(request.app.state.folder, request.path_params["path"])
    if target is None:
        raise HTTPException(404, "no such output file in this project")
    return FileResponse(target, filename=target.name)


def listing(folder: Path) -> list[str]:
    """Every output file of the project (relative paths, sorted)."""
    root = folder.resolve()
    found: list[str] = []
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if len(found) < 500 and output_file(root, rel) is not None:
            found.append(rel)
    return sorted(found)


routes: list[BaseRoute] = [Route("/files/{path:path}", download, name="files")]
