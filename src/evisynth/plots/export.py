"""Write figures as PNG (300 dpi), SVG or PDF, and encode them for self-contained HTML."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

from evisynth.errors import InputError
from evisynth.plots import _theme

FORMATS = ("png", "svg", "pdf")


def figure_bytes(fig: Any, fmt: str = "png", dpi: int = _theme.DPI) -> bytes:
    """The figure encoded as ``png``, ``svg`` or ``pdf``."""
    import matplotlib as mpl

    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(f"figure format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    buf = io.BytesIO()
    by_format: dict[str, dict[str, Any]] = {"png": {"Software": "evisynth"}, "svg": {"Date": None},
                                            "pdf": {"CreationDate": None, "Creator": "evisynth"}}
    metadata = by_format[fmt]
    with mpl.rc_context(_theme.rc_params()):
        fig.savefig(buf, format=fmt, dpi=dpi, facecolor="white", metadata=metadata)
    return buf.getvalue()


def save_figure(fig: Any, path: str | Path, fmt: str | None = None, dpi: int = _theme.DPI, *,
                force: bool = False) -> Path:
    """Save ``fig`` to ``path`` atomically; the format comes from the suffix unless ``fmt`` is given.

    An existing file that evisynth did not write (or that was edited since) is replaced only with ``force``.
    """
    from evisynth.files import write_output

    path = Path(path)
    kind = (fmt or path.suffix.lstrip(".") or "png").lower()
    return write_output(path, figure_bytes(fig, kind, dpi), force=force, by="figure")


def png_base64(fig: Any, dpi: int = 150) -> str:
    """A ``data:image/png;base64,...`` URI for embedding in HTML."""
    return "data:image/png;base64," + base64.b64encode(figure_bytes(fig, "png", dpi)).decode("ascii")


def svg_text(fig: Any) -> str:
    """The SVG document as text without the XML prolog (for inline HTML)."""
    text = figure_bytes(fig, "svg").decode("utf-8")
    start = text.find("<svg")
    return text[start:] if start >= 0 else text
