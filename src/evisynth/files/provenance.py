"""Provenance of an output document: the evisynth version, the settings and every input file's hash.

No timestamps: the same inputs and settings give byte-identical documents.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "data.csv"
>>> _ = p.write_text("study,yi,vi\\n")
>>> doc = provenance({"method": "DL"}, [p])
>>> sorted(doc), doc["inputs"][0]["bytes"], doc["inputs"][0]["sha256"][:12]
(['evisynth_version', 'inputs', 'settings'], 12, 'f007f8efa89e')
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from evisynth._version import __version__
from evisynth.files.manifest import file_digest


def input_record(path: str | os.PathLike[str]) -> dict[str, Any]:
    """``{"path", "sha256", "bytes"}`` of one input file (``path`` as given)."""
    digest, size = file_digest(path)
    return {"path": str(path), "sha256": digest, "bytes": size}


def provenance(settings: Mapping[str, Any] | None, inputs: Iterable[str | os.PathLike[str] | Mapping[str, Any]] = ()
               ) -> dict[str, Any]:
    """The ``provenance`` object of an output document.

    ``inputs`` are file paths (hashed now) or records made earlier by :func:`input_record`;
    paths that are not files (a DataFrame's name, a database URL) are left out.
    """
    records: list[dict[str, Any]] = []
    for item in inputs:
        if isinstance(item, Mapping):
            records.append(dict(item))
        elif Path(item).is_file():
            records.append(input_record(item))
    return {"evisynth_version": __version__, "settings": dict(settings or {}), "inputs": records}
