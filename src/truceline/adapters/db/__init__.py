"""The database adapter: SQLAlchemy 2 Core tables, Alembic migrations, repositories."""
