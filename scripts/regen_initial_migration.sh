#!/usr/bin/env bash
# Before the first release there is one migration; regenerate it from the models.
# After the first release, add a new revision instead: alembic revision --autogenerate -m "..."
# A lock serialises runs (several people may change models at once) and each run builds
# its scratch database in a fresh temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
exec 9>/tmp/jiaxiao-regen.lock
flock 9
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
rm -f db/migrations/versions/0001_*.py
.venv/bin/alembic -c alembic.ini -x url="sqlite+aiosqlite:///$scratch/regen.sqlite3" \
  revision --autogenerate --rev-id 0001 -m "initial schema"
.venv/bin/ruff format -q db/migrations/versions/ && .venv/bin/ruff check -q --fix db/migrations/versions/ || true
