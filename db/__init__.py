"""Models, repositories, engine and migrations."""
