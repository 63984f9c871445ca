"""Reading study tables and other files into evisynth's data structures (no statistics)."""
