#!/usr/bin/env bash
# Before the first release there is one migration; regenerate it from the models.
# After the first release, add a new revision instead: alembic revision --autogenerate -m "..."
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f db/migrations/versions/0001_*.py /tmp/jiaxiao-regen.sqlite3*
.venv/bin/alembic -c alembic.ini -x url=sqlite+aiosqlite:////tmp/jiaxiao-regen.sqlite3 \
  revision --autogenerate --rev-id 0001 -m "initial schema"
.venv/bin/ruff format -q db/migrations/versions/ && .venv/bin/ruff check -q --fix db/migrations/versions/ || true
