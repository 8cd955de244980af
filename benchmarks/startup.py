"""Start-up time of the command line against its floor, as ratios measured in one run.

Usage: python benchmarks/startup.py [--repeat N]

Reports the median wall time of each command over N alternating runs, and two ratios:
``estimator estimate --draws 1`` against ``python -c "import numpy, pint"`` (goal <= 1.3)
and ``estimator --help`` against ``python -c "import click"`` (goal <= 1.5). Alternating
the commands spreads the noise of a shared machine evenly; medians resist outliers.

Start-up is measured with one Monte Carlo draw, so that the ratio is the cost of starting
(imports, registry, data files, interval corners), not of the default 100,000 draws for
every scenario, which the same run reports beside it for scale and
benchmarks/montecarlo.py measures properly.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def estimator_command() -> list[str]:
    beside = Path(sys.executable).with_name("estimator")
    found = beside if beside.exists() else shutil.which("estimator")
    if not found:
        sys.exit("install the project first (pip install .): no 'estimator' command found")
    return [str(found)]


def commands() -> dict[str, list[str]]:
    tool = estimator_command()
    return {
        "estimate": tool + ["estimate", "--containers", "2000", "--draws", "1"],
        "estimate (default draws)": tool + ["estimate", "--containers", "2000"],
        "import numpy, pint": [sys.executable, "-c", "import numpy, pint"],
        "--help": tool + ["--help"],
        "import click": [sys.executable, "-c", "import click"],
    }


def median_times(repeat: int) -> dict[str, float]:
    runs = {name: [] for name in commands()}
    for _ in range(repeat):
        for name, command in commands().items():
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            runs[name].append(time.perf_counter() - start)
    return {name: statistics.median(times) for name, times in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    medians = median_times(parser.parse_args().repeat)
    for name, seconds in medians.items():
        print(f"{name:<26} median {seconds * 1000:7.1f} ms")
    estimate_ratio = medians["estimate"] / medians["import numpy, pint"]
    help_ratio = medians["--help"] / medians["import click"]
    print(f"estimate --draws 1 / import numpy, pint = {estimate_ratio:.2f} (goal <= 1.3)")
    print(f"--help / import click                   = {help_ratio:.2f} (goal <= 1.5)")


if __name__ == "__main__":
    main()
