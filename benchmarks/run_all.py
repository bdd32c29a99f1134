"""Run every benchmark, one after the other, and print each one's verdict at the end.

    .venv/bin/python benchmarks/run_all.py                  # about 8 min on 2 CPUs
    .venv/bin/python benchmarks/run_all.py --skip photo     # leave some out

Each benchmark runs in its own process with its default arguments, so that
one's memory and database do not colour the next one's figures. The exit
status is non-zero when a benchmark fails to run, not when a budget is missed
(the verdicts say that).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = {
    "results": "bench_results.py",
    "exports": "bench_exports.py",
    "throughput": "bench_throughput.py",
    "photo": "bench_photo.py",
    "import": "bench_import.py",
    "field": "bench_field.py",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip", nargs="*", default=[], choices=sorted(BENCHMARKS))
    parser.add_argument("--only", nargs="*", default=[], choices=sorted(BENCHMARKS))
    arguments = parser.parse_args()
    chosen = [name for name in BENCHMARKS if name not in arguments.skip]
    if arguments.only:
        chosen = [name for name in chosen if name in arguments.only]
    verdicts = []
    failed = []
    for name in chosen:
        print(f"\n######## {BENCHMARKS[name]}", flush=True)
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, str(HERE / BENCHMARKS[name])],
            cwd=HERE.parent,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            if line.startswith("== "):
                verdicts.append(line.strip())
            elif name == "photo" and line.strip().startswith("ours "):
                verdicts.append(f"== bench_photo.py, ours: {' '.join(line.split()[1:])}")
        if process.wait() != 0:
            failed.append(name)
            verdicts.append(f"== {BENCHMARKS[name]}: FAILED (exit {process.returncode})")
        verdicts.append(f"   ({time.perf_counter() - start:.0f} s)")
    print("\n######## verdicts")
    print("\n".join(verdicts))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
