"""Figures drawn on explicit matplotlib ``Figure`` objects (never pyplot global state)."""
