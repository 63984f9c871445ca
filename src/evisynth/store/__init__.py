"""Persistence of a review project (SQLite by default, PostgreSQL by URL).

The only code that touches a database.
"""
