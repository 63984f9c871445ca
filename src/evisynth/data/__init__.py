"""Example data shipped with evisynth (see ``rtms/README.md``: the rTMS example is SYNTHETIC)."""

from __future__ import annotations

from pathlib import Path

#: Folder of the bundled rTMS example review (synthetic trials, published pooled figures).
RTMS_DIR = Path(__file__).resolve().parent / "rtms"


def example_path(name: str = "review.toml") -> Path:
    """Path of a file of the bundled rTMS example, e.g. ``example_path("motor_synthetic.csv")``."""
    path = RTMS_DIR / name
    if not path.exists():
        available = ", ".join(sorted(p.name for p in RTMS_DIR.iterdir() if p.is_file()))
        raise FileNotFoundError(f"no example file {name!r}; available: {available}")
    return path
