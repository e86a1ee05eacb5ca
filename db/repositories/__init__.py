"""Queries. Repositories take an AsyncSession and never commit."""
