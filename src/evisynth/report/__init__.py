"""Results into words and tables (never computes statistics)."""
