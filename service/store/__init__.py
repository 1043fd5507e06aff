"""What people and stewards write: reports, corrections, verifications, stewards, the audit log.

SQLAlchemy 2 Core over SQLite (the embedded default, in the state folder) or PostgreSQL
(PATHWAYS_DATABASE_URL), with Alembic migrations (`migrations/`). The API uses the async
engine (`repository.py`); the indexer and the command line use the sync one (`overrides.py`,
`stewards.py`). Nothing here imports the web framework.
"""
