"""Benchmark: our PDF builder against LibreOffice converting our Word edition, side by side.

Usage: .venv/bin/python scripts/bench_pdf.py [source.json] [--runs N]

Reports the median wall-clock and CPU seconds of `pdf.render(doc, options)` (in process, after one
warm-up render), of a cold `dutydocs build -f pdf` (new process, imports included), and of
`soffice --headless --convert-to pdf` of the .docx our Word builder writes. Other processes on the
machine inflate wall-clock figures; the CPU column is the steadier one for our own process.
"""
from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from dutydocs import source  # noqa: E402
from dutydocs.builders import BuildOptions, pdf, render  # noqa: E402


def timed(fn) -> tuple[float, float]:
    """Return (wall, cpu) seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default=str(ROOT / "source" / "yangmaogong.json"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    doc = source.load(args.source)
    options = BuildOptions()
    work = Path(tempfile.mkdtemp(prefix="dutydocs-bench-"))
    try:
        data = pdf.render(doc, options)  # warm-up: imports, font caches
        pages = len(PdfReader(io.BytesIO(data)).pages)
        runs = [timed(lambda: pdf.render(doc, options)) for _ in range(args.runs)]
        print(f"PDF (WeasyPrint) render(), {args.runs} runs: median {statistics.median(w for w, _ in runs):.2f} s "
              f"wall, {statistics.median(c for _, c in runs):.2f} s CPU ({pages} pages)")
        cold = [timed(lambda: subprocess.run(
            [sys.executable, "-m", "dutydocs.cli", "build", args.source, "-f", "pdf", "--force", "-o", str(work / "out")],
            cwd=ROOT, check=True, capture_output=True))[0] for _ in range(min(3, args.runs))]
        print(f"dutydocs build -f pdf (cold process): median {statistics.median(cold):.2f} s wall")
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if not soffice:
            print("LibreOffice not found: no comparison")
            return
        docx = work / "edition.docx"
        docx.write_bytes(render(doc, "docx", options))
        convert = [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(work), str(docx)]
        subprocess.run(convert, check=True, capture_output=True)  # warm-up: first start builds a profile
        lo = [timed(lambda: subprocess.run(convert, check=True, capture_output=True))[0] for _ in range(args.runs)]
        print(f"LibreOffice docx -> pdf, {args.runs} runs: median {statistics.median(lo):.2f} s wall")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
