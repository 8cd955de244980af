"""The README's example session shows what the commands print today.

Each ``$ estimator ...`` line of the session is run through click's CliRunner (the
defaults: 100,000 draws, seed 20231102) and the lines shown under it are compared with
what it prints, byte for byte; a line ``...`` stands for lines the README leaves out.
A change that moves a figure (a new drawn parameter re-orders the draws) fails here
until the README is re-run.
"""

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"
ELISION = "..."


def session_examples(text):
    """The example session's commands, as (arguments, lines shown under the command).

    Parameters
    ----------
    text : str
        README.md.

    Returns
    -------
    list of (list of str, list of str)
        Each command's arguments after ``estimator`` and the lines shown for it, blank
        lines at its end (the gap before the next command) dropped.
    """
    session = re.search(r"^## Example session\n\n```\n(.*?)^```$", text, re.DOTALL | re.MULTILINE)
    examples = []
    for chunk in session.group(1).split("$ estimator ")[1:]:
        command, *shown = chunk.split("\n")
        while shown and not shown[-1]:
            shown.pop()
        examples.append((shlex.split(command), shown))
    return examples


def shown_pattern(shown):
    """A regular expression a printed output matches when the README shows it truly.

    Every shown line matches itself exactly; an elision line matches any number of lines.
    """
    parts = [r"(?:.*\n)*?" if line == ELISION else re.escape(line) + r"\n" for line in shown]
    return re.compile("".join(parts))


EXAMPLES = session_examples(README.read_text(encoding="utf-8"))


def test_the_session_is_found_and_every_command_shows_output():
    assert len(EXAMPLES) >= 5
    assert all(shown and set(shown) != {ELISION} for _, shown in EXAMPLES)


@pytest.mark.parametrize("args, shown", EXAMPLES, ids=[" ".join(args) for args, _ in EXAMPLES])
def test_readme_session_output_is_what_the_command_prints(args, shown):
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    expected_exit = 2 if shown[0].startswith("Error: ") else 0
    assert result.exit_code == expected_exit, result.output
    assert shown_pattern(shown).fullmatch(result.output), (
        "README.md's example session no longer matches; re-run the command and paste:\n"
        f"$ estimator {shlex.join(args)}\n{result.output}"
    )
