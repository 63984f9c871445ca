"""The suite must pass on a fresh clone: no test or source file may name a folder outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Built from pieces so that this file does not match itself.
_ROOTS = "|".join(("work", "root", "home", "tmp", "mnt", "data", "Users"))
ABSOLUTE = re.compile(rf"""["'](/(?:{_ROOTS})/)""")


def test_no_absolute_paths_outside_the_repository():
    offenders = []
    for folder in ("src", "tests", "benchmarks", "validation", "scripts"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in {".py", ".R", ".sh", ".toml", ".cfg"} or "__pycache__" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                if ABSOLUTE.search(line) and not line.lstrip().startswith("#"):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "absolute paths outside the repository:\n" + "\n".join(offenders)
