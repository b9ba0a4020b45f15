"""Adapters: the database, the geometry engine and other things outside the domain."""
