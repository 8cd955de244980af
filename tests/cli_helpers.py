"""The command line in-process for tests: one run, and the contract of every error."""

from click.testing import CliRunner

from cli import cli


def run(*args):
    """``estimator ARGS`` through click's CliRunner (exceptions propagate)."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def assert_one_line_error(result, *fragments):
    """Exit 2, nothing on stdout, one ``Error:`` line holding every fragment."""
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
