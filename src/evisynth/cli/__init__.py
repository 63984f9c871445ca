"""Command-line interface: parse arguments, call :mod:`evisynth.api`, print. No statistics here."""
