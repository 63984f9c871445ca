"""Bibliographic records: the citation model, normalisation, deduplication, screening and PRISMA counts.

Pure domain logic: nothing here reads files or touches a database (see :mod:`evisynth.io` and
:mod:`evisynth.store`).
"""
