"""Safe files: the one place every command and writer of evisynth goes through to write.

* atomic writes (:func:`write_bytes`, :func:`write_text`, :func:`atomic_open`): a temporary file in
  the same folder renamed into place; a kill never leaves a half-written output or a temporary file;
  durable appends to audit logs (:func:`append_line`);
* protected targets (:func:`check_output`, :func:`open_output`, :func:`write_output`,
  :class:`OutputSet`): never an input of the command, never an existing file evisynth did not write
  without ``force``; what evisynth wrote is listed, with hashes, in ``.evisynth-manifest.json``;
* escaping (:mod:`evisynth.files.escape`): spreadsheet formulas, HTML in Markdown, terminal control
  sequences, passwords in database URLs;
* provenance (:func:`provenance`): version, settings and the SHA-256 of every input.

This package is the lowest floor of evisynth: it imports nothing of evisynth but ``errors`` and
``_version``, so every other package may use it.
"""

from __future__ import annotations

from evisynth.files.atomic import append_line, atomic_open, sweep_temporary, write_bytes, write_text
from evisynth.files.escape import (
    csv_cell,
    csv_cells_arrow,
    csv_row,
    csv_uncell,
    markdown_cell,
    markdown_text,
    one_line,
    redact_url,
    terminal_text,
)
from evisynth.files.manifest import MANIFEST, file_digest, read_manifest, written_by_evisynth
from evisynth.files.outputs import OutputSet, check_output, open_output, record, same_file, write_output
from evisynth.files.provenance import input_record, provenance

__all__ = [
    "MANIFEST", "OutputSet", "append_line", "atomic_open", "check_output", "csv_cell", "csv_cells_arrow", "csv_row",
    "csv_uncell",
    "file_digest", "input_record", "markdown_cell", "markdown_text", "one_line", "open_output", "provenance",
    "read_manifest", "record", "redact_url", "same_file", "sweep_temporary", "terminal_text", "write_bytes",
    "write_output", "write_text", "written_by_evisynth",
]
