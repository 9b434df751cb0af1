"""Small sources for the batch-build tests (processes and Dask alike), and the build command they run."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from dutydocs.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "small.json"


def make_sources(folder: Path, count: int, prefix: str = "示例") -> list[Path]:
    """Write count copies of the small source, each with its own title (<prefix>N镇履职事项清单)."""
    data = json.loads(FIXTURE.read_text("utf-8"))
    paths = []
    for n in range(count):
        data["title"] = f"{prefix}{n}镇履职事项清单"
        path = folder / f"town{n}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        paths.append(path)
    return paths


def build(*args):
    return CliRunner().invoke(main, ["build", *map(str, args)], catch_exceptions=False)
