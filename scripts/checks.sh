#!/usr/bin/env bash
# Every check, as CI runs them: lint, formatting, types, then the test suite with its branch-coverage
# floor (pyproject.toml, [tool.coverage.report]); the suite includes the wheel check
# (tests/test_packaging.py). Runs them all, then fails if any failed. Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
failed=()
step() {
  local name=$1; shift
  echo "== $name: $*"
  "$@" || failed+=("$name")
}
step lint "$bin/ruff" check --output-format concise dutydocs setup.py
step format "$bin/ruff" format --check dutydocs setup.py
step types "$bin/mypy"
# -n auto: one worker per core (pytest-xdist); the suite is about 14 CPU-minutes, under 10 on two cores.
step tests "$bin/python" -m pytest -q -n auto --cov --cov-report=term:skip-covered "$@"
if ((${#failed[@]})); then
  echo "失败的检查：${failed[*]}" >&2
  exit 1
fi
