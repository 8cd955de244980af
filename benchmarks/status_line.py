"""What the packing searches' status line shows: a command run in a pseudo-terminal.

Usage: python benchmarks/status_line.py [--interrupt SECONDS] [--cache-dir DIR] -- COMMAND...

Runs COMMAND (such as ``estimator estimate --containers 2000 --munition 152mm-shell
--pallet 463L``) with its output on a pseudo-terminal, with an empty profile cache
unless ``--cache-dir`` names one, and reports the wall time, when the status line first
showed, how often it was rewritten, its last text and what the terminal got after it.
``--interrupt S`` sends Ctrl-C (SIGINT) after S seconds. POSIX only.
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import signal
import tempfile
import time

STATUS = "\rsolving packing searches"


def run(command: list[str], cache_dir: str, interrupt_s: float | None) -> tuple[float, int, list]:
    """Wall time, exit code and the (time, text) pieces the terminal received."""
    env = dict(os.environ, ESTIMATOR_CACHE_DIR=cache_dir)
    env.pop("ESTIMATOR_NO_CACHE", None)
    start = time.monotonic()
    pid, terminal = pty.fork()
    if pid == 0:
        os.execvpe(command[0], command, env)
    pieces, interrupted = [], False
    while True:
        if interrupt_s is not None and not interrupted and time.monotonic() - start > interrupt_s:
            os.kill(pid, signal.SIGINT)
            interrupted = True
        if not select.select([terminal], [], [], 0.05)[0]:
            continue
        try:
            data = os.read(terminal, 65536)
        except OSError:  # the child closed the terminal (Linux)
            break
        if not data:
            break
        pieces.append((time.monotonic() - start, data.decode(errors="replace")))
    _, status = os.waitpid(pid, 0)
    return time.monotonic() - start, os.waitstatus_to_exitcode(status), pieces


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interrupt", type=float, default=None, metavar="SECONDS")
    parser.add_argument("--cache-dir", default=None, metavar="DIR")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    command = options.command[1:] if options.command[:1] == ["--"] else options.command
    if not command:
        parser.error("a command to run is required (after --)")
    wall_s, code, pieces = run(command, options.cache_dir or tempfile.mkdtemp(), options.interrupt)
    text = "".join(piece for _, piece in pieces)
    first_s = next((at for at, piece in pieces if "solving packing searches" in piece), None)
    rewrites = text.count(STATUS)
    last = text.rsplit(STATUS, 1)[-1].split("\r")[0] if rewrites else ""
    after = text.rsplit(STATUS, 1)[-1][len(last):][:200] if rewrites else text[:200]
    print(f"exit code {code}, {wall_s:.1f} s wall")
    if rewrites:
        print(f"status line first at {first_s:.2f} s, written {rewrites} times ({rewrites / wall_s:.1f} a second)")
        print(f"last: {STATUS[1:]}{last.rstrip()}")
    else:
        print("no status line")
    print(f"then: {after!r}")


if __name__ == "__main__":
    main()
