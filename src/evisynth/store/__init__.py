"""Persistence of a review project (SQLite by default, PostgreSQL by URL); the only code that touches a database."""
