#!/usr/bin/env bash
# Re-pin constraints.txt to the newest releases pyproject.toml allows: install them into a scratch
# virtual environment and record what got installed. Run the checks afterwards (bash scripts/checks.sh)
# and commit constraints.txt with the versions the suite passed on.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"${PYTHON:-python3}" -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install -q --disable-pip-version-check --upgrade pip
"$scratch/venv/bin/pip" install -q --disable-pip-version-check '.[test]'
{
  echo "# The versions the test suite passed on. Installed by scripts/setup.sh (pip install -c constraints.txt)."
  echo "# Regenerate with: bash scripts/update_constraints.sh"
  "$scratch/venv/bin/pip" freeze --all --exclude pip --exclude dutydocs
} > constraints.txt
echo "constraints.txt: $(grep -vc '^#' constraints.txt) packages pinned"
