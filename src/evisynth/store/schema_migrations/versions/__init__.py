"""Alembic revision scripts, one per schema change, in order; never edit one that has been released."""
