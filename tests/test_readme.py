"""The README's example session shows what the commands print today.

Each ``$ estimator ...`` line of the session is run through click's CliRunner (the
defaults: 100,000 draws, seed 20231102) and the lines shown under it are compared with
what it prints, byte for byte; a line ``...`` stands for lines the README leaves out.
A change that moves a figure (a new drawn parameter re-orders the draws) fails here
until the README is re-run.
"""

import json
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


def readme_payload_spellings(text):
    """The ``container.payload`` values README says are the same payload, and the one it
    says falls short of it."""
    sentence = re.search(r"Quantities take any\s+unit a person types: (.*?) are the\s+same payload.*?"
                         r"`=(\S+)` is", text, re.DOTALL)
    return re.findall(r"=([^`\s]+)`", sentence.group(1)), sentence.group(2)


def estimate_json(payload):
    args = ["estimate", "--containers", "2000", "--set", f"container.payload={payload}", "--draws", "2000",
            "--format", "json"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return json.loads(result.output)


def test_readme_payload_spellings_give_the_same_answer_and_the_short_one_less():
    same, short = readme_payload_spellings(README.read_text(encoding="utf-8"))
    answers = [estimate_json(payload) for payload in same]
    assert len(same) >= 3 and all(answer == answers[0] for answer in answers)
    highs = [[r["per_container"]["high"] for r in answer["results"]] for answer in (answers[0], estimate_json(short))]
    assert highs[1] != highs[0] and all(s <= h for s, h in zip(highs[1], highs[0]))
