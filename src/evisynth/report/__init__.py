"""Results into words and tables (never computes statistics): analysis text, reports, summaries, checker."""
