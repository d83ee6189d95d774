"""Storage: SQLAlchemy models, Alembic migrations and the services that use them."""
