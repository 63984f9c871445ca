"""Alembic environment of the project database (``env.py``) and its revision scripts (``versions/``).

Run by :func:`evisynth.store.migrations.upgrade` whenever a project is opened, and by
``evisynth db upgrade``; there is no ``alembic.ini``: the configuration is built in code.
"""
