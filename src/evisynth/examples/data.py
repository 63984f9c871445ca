"""Where the bundled example's files are (``evisynth/data/rtms``; the rTMS example is SYNTHETIC)."""

from __future__ import annotations

from pathlib import Path

#: Folder of the bundled rTMS example review (synthetic trials, published pooled figures).
RTMS_DIR = Path(__file__).resolve().parents[1] / "data" / "rtms"


def example_path(name: str = "review.toml") -> Path:
    """Path of a file of the bundled rTMS example, e.g. ``example_path("motor_synthetic.csv")``.

    >>> example_path("review.toml").name
    'review.toml'
    """
    path = RTMS_DIR / name
    if not path.exists():
        available = ", ".join(sorted(p.name for p in RTMS_DIR.iterdir() if p.is_file()))
        raise FileNotFoundError(f"no example file {name!r}; available: {available}")
    return path
