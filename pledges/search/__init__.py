"""Full-text search of the register: its sources, its quotes and its pledges.

query.py    what a query asks for (words, phrases, prefixes, unspaced text, exclusions)
tables.py   where the index is stored on SQLite (FTS5) and PostgreSQL (tsvector, pg_trgm)
follow.py   SQLite's index brought in step with each transaction as it commits
sql.py      a query and its filters as each database's SQL
snippets.py the short passage of each hit, its matched words marked
find.py     a search run: the database opened, the hits ranked and shown
"""
