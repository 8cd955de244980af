"""The ``estimator`` command line: parse, call the library, render. Nothing else.

Only click is imported at start; each command imports the library (numpy, pint) when it
runs, so ``estimator --help`` stays fast. In the wheel this file is installed as
``estimator/cli.py`` (see pyproject.toml), so installing adds no top-level ``cli`` module.
"""

from __future__ import annotations

import os
import sys

import click

from estimator import __version__
from estimator.errors import EstimatorError

ROUND_CHOICES = ("projectile", "complete", "all")
# Kept in step with estimator.catalog.MAX_CONTAINERS (tested); not imported from there,
# because the catalog module is not needed for --help.
MAX_CONTAINERS = 10**12
# Likewise kept in step with estimator.catalog.MAX_ROUNDS (tested): the most rounds `need` takes.
MAX_ROUNDS = 10**15
FORMAT_CHOICES = ("table", "json", "csv")


class OneLineError(click.ClickException):
    """A user error shown as one line, ``Error: ...``, with exit code 2."""

    exit_code = 2


class EstimatorGroup(click.Group):
    """Turns every user error into one line on stderr and exit code 2, no traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except EstimatorError as error:
            raise OneLineError(str(error)) from None

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
        except click.ClickException as error:
            # click's UsageError would print a usage block first; one line is enough.
            click.echo(f"Error: {_one_line(error.format_message())}", err=True)
            sys.exit(2 if isinstance(error, click.UsageError) else error.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(130)
        except OSError as error:  # standard output refused the result (disk full); click handles EPIPE
            _discard_unwritten_output()
            click.echo(f"Error: cannot write the output ({error.strerror or error})", err=True)
            sys.exit(2)
        sys.exit(result if isinstance(result, int) else 0)


def _discard_unwritten_output() -> None:
    """Point standard output at the null device, so that Python's flush at exit does not
    fail a second time and print a traceback."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file, such as CliRunner's
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, descriptor)
    os.close(null)


def _one_line(message: str) -> str:
    r"""Escape line breaks and other control characters a user typed, so an error stays
    one line on any terminal: a typed line break is shown as ``\n``."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in message)


def format_option(function):
    return click.option(
        "--format", "fmt", type=click.Choice(FORMAT_CHOICES), default="table", show_default=True,
        help="Output format; JSON keys are documented in README.md.",
    )(function)


def data_options(function):
    """``--assumptions PATH`` and ``--claims PATH``: the user's data files.

    For every command that reads data; pass both to ``load_catalog(assumptions=...,
    claims=...)``.
    """
    function = click.option(
        "--claims", "claim_paths", multiple=True, metavar="PATH",
        help="Your own claims: a TOML file or a folder of them, laid out like "
        "assumptions/claims.toml; they replace the built-in claims. Repeatable.",
    )(function)
    return click.option(
        "--assumptions", "assumption_paths", multiple=True, metavar="PATH",
        help="Your own assumptions: a TOML file or a folder of them with tables "
        "[container.ID], [munition.ID], [load], [fleet]; an entry adds to or replaces the "
        "built-in one of the same id. Repeatable. Format: README.md.",
    )(function)


def _check_output(ctx, param, value):
    """Refuse an unusable --output before any work is done."""
    from estimator.output import STDOUT, check_target

    if value is None or value == STDOUT:
        return value
    try:
        check_target(value)
    except EstimatorError as error:
        raise OneLineError(str(error)) from None
    return value


def output_option(function):
    """``--output FILE``: write the result whole or not at all; use with :func:`emit`."""
    return click.option(
        "--output", "-o", "output", metavar="FILE", callback=_check_output,
        help="Write to FILE instead of standard output: through a temporary file in the "
        "same folder and a rename, so FILE is complete or untouched.",
    )(function)


def emit(text: str, output: str | None) -> None:
    """Print ``text``, or write it atomically to ``output`` (see estimator/output.py)."""
    from estimator.output import STDOUT, write_atomic

    if output is None or output == STDOUT:
        click.echo(text)
    else:
        write_atomic(output, text + "\n")


def set_option(function):
    return click.option(
        "--set", "settings", multiple=True, metavar="NAME=VALUE|NAME=LOW..HIGH",
        help="Replace an assumption, in any unit: --set container.payload=26t, "
        "--set crate.gross_mass=60..80kg. Names: estimator assumptions.",
    )(function)


def round_option(function):
    return click.option(
        "--round", "round_filter", type=click.Choice(ROUND_CHOICES), default="all", show_default=True,
        help="What counts as a round: the projectile alone, or the complete round "
        "(projectile with its charge); 'all' gives a row for each.",
    )(function)


def monte_carlo_options(function):
    """``--draws`` and ``--seed``: the defaults live in estimator/uncertainty.py (kept in sync by a test)."""
    function = click.option(
        "--seed", type=click.IntRange(min=0), default=20231102, show_default=True,
        help="Seed of the random generator: the same seed gives the same output, byte for byte.",
    )(function)
    return click.option(
        "--draws", type=click.IntRange(min=1), default=100_000, show_default=True,
        help="Monte Carlo draws per munition and round definition (percentiles, binding share).",
    )(function)


def container_and_munition_options(function):
    function = click.option(
        "--munition", "munitions", multiple=True, metavar="ID|CALIBRE",
        help="Munition id (152mm-shell, 122mm-shell, 122mm-rocket) or calibre (122mm); "
        "repeat for several. Default: all.",
    )(function)
    return click.option(
        "--container", "container_id", default="20ft", show_default=True,
        help="Container type: 20ft, 40ft or 40ft-hc.",
    )(function)


def per_container_option(function):
    return click.option(
        "--per-container", "per_container", multiple=True, metavar="NAME",
        help="Let a parameter differ from container to container instead of being shared by "
        "the whole shipment (narrows the total's percentiles; see NOTES.md). Repeatable.",
    )(function)


def selected_scenarios(catalog, container_id, munitions, round_filter, settings, containers, per_container=()):
    """The scenarios of ``--container``, ``--munition``, ``--round`` and ``--set``, checked."""
    from estimator.claims import scenarios_for
    from estimator.parameters import parse_overrides

    catalog.container(container_id)
    overrides = parse_overrides(settings, catalog)
    scenarios = [
        scenario
        for munition in catalog.select_munitions(munitions)
        for scenario in scenarios_for(
            catalog, munition.id, container_id, containers, overrides, round_filter, per_container
        )
    ]
    if not scenarios:
        raise OneLineError(
            f"--round {round_filter}: none of the selected munitions defines that round; "
            "try --round all"
        )
    return scenarios


@click.group(cls=EstimatorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="estimator")
def cli():
    """How many 122 mm and 152 mm rounds can N containers carry, and is a claim plausible?

    Every answer is a range from sourced assumptions, with the limit that binds (payload
    mass or space). Example:

        estimator estimate --containers 2000 --munition 152mm
    """


@cli.command()
@click.option("--containers", type=click.IntRange(min=1, max=MAX_CONTAINERS), required=True,
              help="Number of containers.")
@container_and_munition_options
@round_option
@set_option
@monte_carlo_options
@per_container_option
@data_options
@format_option
@output_option
def estimate(containers, container_id, munitions, round_filter, settings, draws, seed, per_container,
             assumption_paths, claim_paths, fmt, output):
    """Rounds that a number of containers can carry, as a range and percentiles.

    The range runs between the corners of every sourced assumption; p5, p50 and p95 come
    from seeded Monte Carlo draws over the same ranges. Example:

        estimator estimate --containers 2000 --munition 122mm --set load.fraction=0.9..1
    """
    import numpy as np

    from estimator.catalog import load_catalog
    from estimator.render import provenance_of, render_estimate
    from estimator.uncertainty import estimate as estimate_scenario

    catalog = load_catalog(assumptions=assumption_paths, claims=claim_paths)
    scenarios = selected_scenarios(catalog, container_id, munitions, round_filter, settings, containers,
                                   per_container)
    rng = np.random.default_rng(seed)
    estimates = [estimate_scenario(scenario, draws, rng) for scenario in scenarios]
    emit(render_estimate(estimates, fmt, provenance_of(catalog, seed), draws, seed), output)


@cli.command()
@round_option
@set_option
@monte_carlo_options
@per_container_option
@click.option("--explain", is_flag=True,
              help="For each claim outside the model's 5-95 % band: the value each parameter alone "
              "would need for the model to give the claim, and whether it is within its sourced range.")
@data_options
@format_option
@output_option
def check(round_filter, settings, draws, seed, per_container, explain, assumption_paths, claim_paths, fmt,
          output):
    """Check every public claim in assumptions/claims.toml against the model.

    For each claim: the rounds per container it implies, the model's range and
    percentiles for each matching munition and round definition, the binding limit, the
    claim's percentile and a verdict (below, within or above the model's 5-95 % band, or
    beyond every combination of the sourced values). Example:

        estimator check --explain --set container.payload=21.7t
    """
    import numpy as np

    from estimator.catalog import load_catalog
    from estimator.claims import check_claims
    from estimator.parameters import parse_overrides
    from estimator.render import provenance_of, render_check

    catalog = load_catalog(assumptions=assumption_paths, claims=claim_paths)
    overrides = parse_overrides(settings, catalog)
    reports = check_claims(catalog, overrides, draws, np.random.default_rng(seed), round_filter, per_container)
    explanations = None
    if explain:
        from estimator.explain import explain_reports

        explanations = explain_reports(reports)
    emit(render_check(reports, fmt, provenance_of(catalog, seed), draws, explanations), output)


@cli.command()
@click.option("--rounds", type=click.IntRange(min=1, max=MAX_ROUNDS), required=True,
              help="Number of rounds to ship.")
@container_and_munition_options
@round_option
@set_option
@monte_carlo_options
@data_options
@format_option
@output_option
def need(rounds, container_id, munitions, round_filter, settings, draws, seed, assumption_paths, claim_paths,
         fmt, output):
    """How many containers a number of rounds needs, as a range and percentiles.

    The inverse of estimate: the fewest containers whose total reaches the rounds, at the
    optimistic and pessimistic corners and over seeded draws. Example:

        estimator need --rounds 1000000 --munition 152mm --round projectile
    """
    import numpy as np

    from estimator.catalog import load_catalog
    from estimator.need import need as need_scenario
    from estimator.render import provenance_of, render_need

    catalog = load_catalog(assumptions=assumption_paths, claims=claim_paths)
    scenarios = selected_scenarios(catalog, container_id, munitions, round_filter, settings, containers=1)
    rng = np.random.default_rng(seed)
    needs = [need_scenario(s, rounds, draws, rng) for s in scenarios]
    emit(render_need(needs, fmt, provenance_of(catalog, seed), draws, seed), output)


@cli.command()
@data_options
@format_option
@output_option
def assumptions(assumption_paths, claim_paths, fmt, output):
    """Every assumption: its parameter name, value or range, unit and source.

    Example:

        estimator assumptions --assumptions my-crates.toml --format csv --output assumptions.csv
    """
    from estimator.catalog import load_catalog
    from estimator.render import provenance_of, render_assumptions

    catalog = load_catalog(assumptions=assumption_paths, claims=claim_paths)
    emit(render_assumptions(catalog, fmt, provenance_of(catalog)), output)


def main():
    """Console-script entry point."""
    cli()


if __name__ == "__main__":
    main()
