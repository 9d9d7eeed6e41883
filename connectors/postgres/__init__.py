"""PostgreSQL table: one table or view of the user's own database as an app."""

from connectors.postgres.connector import PostgresConnector

__all__ = ["PostgresConnector"]
