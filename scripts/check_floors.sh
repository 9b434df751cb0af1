#!/usr/bin/env bash
# Check that the version floors in pyproject.toml are true: install the lowest version each
# requirement allows (">=X" becomes "==X") into a scratch virtual environment and run the test suite.
# Usage: bash scripts/check_floors.sh [pytest arguments]   (after scripts/setup.sh installed the system packages)
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"${PYTHON:-python3}" - "$scratch/floors.txt" <<'PY'
import re, sys, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
floors = [f"{m[1]}=={m[2]}" for r in requirements if (m := re.match(r"\s*([A-Za-z0-9_.-]+)(?:\[[^]]*\])?\s*>=\s*([^,;\s]+)", r))]
open(sys.argv[1], "w").write("\n".join(floors) + "\n")
print("floors:", " ".join(floors))
PY
"${PYTHON:-python3}" -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install -q --disable-pip-version-check --upgrade pip
"$scratch/venv/bin/pip" install -q --disable-pip-version-check -c "$scratch/floors.txt" '.[test]'
"$scratch/venv/bin/pip" freeze --exclude dutydocs > "$scratch/installed.txt"
echo "installed: $(tr '\n' ' ' < "$scratch/installed.txt")"
# The suite runs against the scratch environment; tests that start the CLI find it beside that python.
"$scratch/venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
