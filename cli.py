"""The ``estimator`` command line: parse, call the library, render. Nothing else.

Only click is imported at start; each command imports the library (numpy, pint) when it
runs, so ``estimator --help`` stays fast. In the wheel this file is installed as
``estimator/cli.py`` (see pyproject.toml), so installing adds no top-level ``cli`` module.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

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
# Kept in step with estimator.fastspace.WORKERS_VARIABLE (tested): --workers sets it.
WORKERS_VARIABLE = "ESTIMATOR_WORKERS"
# The most --draws each command takes, so that a slip (10^11 for 10^5) is refused at once
# rather than running for hours; measured in NOTES.md, "Hardening (issue 7)".
# estimate, check, need: memory stays flat, time grows (10^8 draws: estimate of the five
# built-in scenarios 42 s of CPU, check 3.5 min).
MAX_DRAWS = 10**8
# sweep holds every draw at once, times a row of the grid (10^6 draws: 0.3-0.5 GB).
MAX_SWEEP_DRAWS = 10**6
# sensitivity: about 17 kB per base draw (2^15: 0.67 GB for the 152 mm projectile).
MAX_SOBOL_DRAWS = 2**15


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
        "[container.ID], [munition.ID], [pallet.ID], [load], [fleet]; an entry adds to or replaces the "
        "built-in one of the same id. Repeatable. Format: README.md.",
    )(function)


def _check_output(ctx, param, value):
    """Refuse an unusable --output or --plot, or both naming one file, before any work is done."""
    from estimator.output import STDOUT, check_target

    if value is not None and value != STDOUT:
        try:
            check_target(value, f"--{param.name.removesuffix('_path')}")
        except EstimatorError as error:
            raise OneLineError(str(error)) from None
    _refuse_one_file_for_two_outputs({**ctx.params, param.name: value})
    return value


def _refuse_one_file_for_two_outputs(params: dict) -> None:
    """--output and --plot naming one file: the second written would silently replace the
    first. Both options call this; the one click reads second (the order of the command
    line) finds the other's value in ``params`` and makes the check."""
    from estimator.output import STDOUT, same_file

    if "output" not in params or params.get("plot_path") is None:
        return
    output, plot = params["output"], params["plot_path"]
    if same_file(output, plot):
        where = "standard output" if output in (None, STDOUT) else f"--output {output}"
        raise OneLineError(f"--plot {plot}: the same file as {where}; expected another file")


def output_option(function):
    """``--output FILE``: write the result whole or not at all; use with :func:`emit`."""
    return click.option(
        "--output", "-o", "output", metavar="FILE", callback=_check_output,
        help="Write to FILE instead of standard output: through a temporary file in the "
        "same folder and a rename, so FILE is complete or untouched (a device or FIFO is "
        "written straight to, once everything is computed).",
    )(function)


def emit(text: str, output: str | None) -> None:
    """Print ``text``, or write it whole to ``output``: atomically to a file, straight into a
    device or FIFO (see estimator/output.py)."""
    from estimator.output import STDOUT, write_output

    if output is None or output == STDOUT:
        click.echo(text)
    else:
        write_output(output, text + "\n")


def set_option(function):
    """``--set`` and ``--pallet``: the command gets both in ``settings`` (``--pallet ID`` is
    ``--set load.pallet=ID``, applied last)."""
    function = click.option(
        # Eager, so that it is read before --set wherever it stands on the command line.
        "--pallet", "pallet_ids", multiple=True, metavar="ID", callback=_pallet_setting, expose_value=False,
        is_eager=True,
        help="Crates travel as unit loads on this pallet type (EUR, 463L, or a [pallet.ID] of "
        "--assumptions): the same as --set load.pallet=ID. Default: loose crates.",
    )(function)
    return click.option(
        "--set", "settings", multiple=True, metavar="NAME=VALUE|NAME=LOW..HIGH", callback=_with_pallet,
        help="Replace an assumption, in any unit: --set container.payload=26t, "
        "--set crate.gross_mass=60..80kg. Names: estimator assumptions.",
    )(function)


def _pallet_setting(ctx, param, value):
    _refuse_empty("a pallet type, such as EUR")(ctx, param, value)
    ctx.meta["pallet_settings"] = tuple(f"load.pallet={pallet}" for pallet in value)


def _refuse_empty(expected: str):
    """A click callback refusing an empty or blank value, which would otherwise read as the
    option left out (``--package ""`` as no package) and fail later, far from the cause."""
    def check(ctx, param, value):
        for text in (value,) if isinstance(value, str) else value or ():
            if not text.strip():
                raise OneLineError(f"{param.opts[0]} {text!r}: expected {expected}")
        return value
    return check


def _with_pallet(ctx, param, value):
    """``--set`` values, then ``--pallet`` as ``load.pallet=ID`` (both are parsed before the command runs)."""
    return tuple(value) + ctx.meta.get("pallet_settings", ())


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
        "--draws", type=click.IntRange(min=1, max=MAX_DRAWS), default=100_000, show_default=True,
        help=f"Monte Carlo draws per munition and round definition (percentiles, binding share); "
        f"at most {MAX_DRAWS:,}.",
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
        callback=_refuse_empty("a parameter name, such as crate.gross_mass"),
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


def munitions_of(catalog, scenarios) -> list:
    """The munitions the scenarios cover, in catalog order (``--round projectile`` leaves
    out the rocket, which has no such round)."""
    covered = {scenario.munition for scenario in scenarios}
    return [munition for munition in catalog.munitions.values() if munition.id in covered]


def note_shared_packages(catalog, munitions, settings, swept=(), remedy: str = "--munition ID sets one alone") -> None:
    """A note on stderr for each package parameter set or swept (``--set crate.length``)
    that stands for the crates of several munitions at once (a projectile crate and a
    rocket crate alike), which a user may not mean. Called once the output is written, so
    that an error stays the only line of a failed run. ``munitions``: the selected
    munitions; ``settings``: the ``--set`` texts (already parsed); ``swept``: ``--vary``
    parameter names."""
    from estimator.parameters import shared_package_settings, split_override

    named = [("--set", split_override(text)[0]) for text in settings] + [("--vary", name) for name in swept]
    shared = shared_package_settings([name for _, name in named], munitions)
    for option, name in named:
        if name in shared:
            click.echo(f"note: {option} {name} sets that package of every munition here: "
                       f"{', '.join(shared[name])} ({remedy})", err=True)


def _compose(*decorators):
    """One decorator applying ``decorators`` in order, for option groups used together."""
    def apply(function):
        for decorator in reversed(decorators):
            function = decorator(function)
        return function
    return apply


# --container, --munition, --round and --set: what every scenario command selects.
scenario_options = _compose(container_and_munition_options, round_option, set_option)
# --assumptions, --claims, --format and --output: every command that prints data.
data_output_options = _compose(data_options, format_option, output_option)


def plot_option(function):
    return click.option(
        # Checked as --output is (a NUL or a folder is one line, not a traceback from click.Path).
        "--plot", "plot_path", metavar="FILE", callback=_check_output,
        help="Also draw a figure to FILE, PNG or SVG by its extension "
        "(needs matplotlib: pip install 'estimator[plot]').",
    )(function)


def seed_option(function):
    """``--seed`` alone, with the Monte Carlo's default (estimator.uncertainty.DEFAULT_SEED, tested)."""
    return click.option(
        "--seed", type=click.IntRange(min=0), default=20231102, show_default=True,
        help="Seed of the random generator: the same seed gives the same output.",
    )(function)


def quiet_option(function):
    return click.option("--quiet", is_flag=True, help="No progress bar or status line.")(function)


def save_plot(figure_function, records, plot_path, *args) -> None:
    """Draw ``figure_function(records, *args)`` and write it whole to ``plot_path``."""
    from estimator.figures import check_plot_path, figure_bytes
    from estimator.output import write_output

    write_output(plot_path, figure_bytes(figure_function(records, *args), check_plot_path(plot_path)), "--plot")


@contextmanager
def progress(length: int, quiet: bool, label: str):
    """A progress bar on stderr, only on a terminal and unless --quiet; yields its update.

    With fewer than two steps a bar says nothing, so the packing searches' status line
    (:func:`search_status`) stands in for it."""
    if quiet or not _stderr_is_terminal():
        yield None
        return
    if length < 2:
        with search_status():
            yield None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar.update


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _stderr_columns() -> int:
    """The width of the terminal stderr writes to. [characters]

    Asked of stderr itself: ``shutil.get_terminal_size`` asks stdout, and with stdout
    redirected to a file (``> out.json``) falls back to 80 columns, so on a narrower
    terminal the status line would wrap and each rewrite leave a line behind."""
    try:
        columns = os.get_terminal_size(sys.stderr.fileno()).columns
    except (AttributeError, ValueError, OSError):  # no file descriptor, or not a terminal
        columns = 0
    if columns > 0:
        return columns
    import shutil

    return shutil.get_terminal_size().columns


@contextmanager
def search_status():
    """While the block runs, a status line on stderr counting the packing searches solved
    (estimator/progress.py): only on a terminal, from one second after the first search,
    and erased when the block ends, also on an error, before any result or error line.

    No --quiet: the line shows only on a terminal, only in runs slow enough to need it,
    and leaves nothing behind; a redirected stderr turns it off.
    """
    if not _stderr_is_terminal():
        yield
        return
    from estimator.fastspace import cache_path
    from estimator.progress import StatusLine, reporting

    note = " (cached for the next run)" if cache_path() is not None else ""
    status = StatusLine(sys.stderr, width=_stderr_columns() - 1, note=note)
    try:
        with reporting(status.searched, status.expect):
            yield
    finally:
        status.close()


def _set_workers(ctx, param, value):
    """``--workers``: a whole number of at least 1, or ``auto``, handed to the library
    (estimator.fastspace.workers) through its environment variable, which forked
    workers inherit. Checked here, so a bad value stops the run before it starts."""
    if value is None or not value.strip():  # unset or blank: as the library takes it
        return None
    from estimator.fastspace import parse_workers  # only when asked: it imports numpy

    from_environment = ctx.get_parameter_source(param.name) == click.core.ParameterSource.ENVIRONMENT
    try:
        parse_workers(value, f"{WORKERS_VARIABLE}=" if from_environment else "")
    except EstimatorError as error:
        if from_environment:
            raise click.UsageError(str(error)) from None
        raise click.BadParameter(str(error)) from None
    os.environ[WORKERS_VARIABLE] = value.strip().lower()
    return value


@click.group(cls=EstimatorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="estimator")
@click.option("--workers", metavar="N|auto", envvar=WORKERS_VARIABLE, callback=_set_workers, expose_value=False,
              help="Processes that solve new packing layouts (load.packing=layout), or auto for the cores "
              f"this process may use; default 1, or ${WORKERS_VARIABLE}. Linux only; the counts are the same "
              "with any number.")
def cli():
    """How many 122 mm and 152 mm rounds can N containers carry, and is a claim plausible?

    Every answer is a range from sourced assumptions, with the limit that binds (payload
    mass or space). Example:

        estimator estimate --containers 2000 --munition 152mm
    """


@cli.command()
@click.option("--containers", type=click.IntRange(min=1, max=MAX_CONTAINERS), required=True,
              help="Number of containers.")
@scenario_options
@monte_carlo_options
@per_container_option
@data_output_options
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
    with search_status():
        estimates = [estimate_scenario(scenario, draws, rng) for scenario in scenarios]
    emit(render_estimate(estimates, fmt, provenance_of(catalog, seed), draws, seed), output)
    note_shared_packages(catalog, munitions_of(catalog, scenarios), settings)


@cli.command()
@round_option
@set_option
@monte_carlo_options
@per_container_option
@click.option("--explain", is_flag=True,
              help="For each claim outside the model's 5-95 % band (but an 'over' figure below it, which "
              "the model already exceeds): the value each parameter alone would need for the model to give "
              "the claim, and whether it is within its sourced range.")
@data_output_options
@plot_option
def check(round_filter, settings, draws, seed, per_container, explain, assumption_paths, claim_paths, fmt,
          output, plot_path):
    """Check every public claim in assumptions/claims.toml against the model.

    For each claim: the rounds per container it implies, the model's range and
    percentiles for each matching munition and round definition, the binding limit, the
    claim's percentile and a verdict (below, within or above the model's 5-95 % band, or
    beyond every combination of the sourced values). Example:

        estimator check --explain --set container.payload=21.7t
    """
    import numpy as np

    from estimator.catalog import load_catalog
    from estimator.claims import check_claims, munitions_claimed
    from estimator.parameters import parse_overrides
    from estimator.render import check_records, provenance_of, render_check

    if plot_path:
        from estimator.figures import check_figure, check_plot_path

        check_plot_path(plot_path)
    catalog = load_catalog(assumptions=assumption_paths, claims=claim_paths)
    overrides = parse_overrides(settings, catalog)
    with search_status():
        reports = check_claims(catalog, overrides, draws, np.random.default_rng(seed), round_filter, per_container)
        explanations = None
        if explain:
            from estimator.explain import explain_reports

            explanations = explain_reports(reports)
    text = render_check(reports, fmt, provenance_of(catalog, seed), draws, explanations)
    if plot_path:
        save_plot(check_figure, check_records(reports, explanations)[0], plot_path)
    emit(text, output)
    note_shared_packages(catalog, munitions_claimed(catalog, round_filter), settings,
                         remedy="estimate --munition ID sets one alone")


@cli.command()
@click.option("--rounds", type=click.IntRange(min=1, max=MAX_ROUNDS), required=True,
              help="Number of rounds to ship.")
@scenario_options
@monte_carlo_options
@data_output_options
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
    with search_status():
        needs = [need_scenario(s, rounds, draws, rng) for s in scenarios]
    emit(render_need(needs, fmt, provenance_of(catalog, seed), draws, seed), output)
    note_shared_packages(catalog, munitions_of(catalog, scenarios), settings)


@cli.command()
@click.option("--vary", "varies", multiple=True, required=True, metavar="NAME=LOW..HIGH[:STEPS]|NAME=A,B",
              help="A parameter to sweep, in any unit: container.payload=18t..30t:25 (default 11 "
              "steps), crate.items=1,2, or the container type: container=20ft,40ft. Once or twice.")
@click.option("--containers", type=click.IntRange(min=1, max=MAX_CONTAINERS), default=1, show_default=True,
              help="Number of containers.")
@scenario_options
@click.option("--draws", type=click.IntRange(min=1, max=MAX_SWEEP_DRAWS), default=None,
              help="Also Monte Carlo draws at every point (p5, p50, p95); the same draws at every "
              f"point of a munition and round, at most {MAX_SWEEP_DRAWS:,}. Default: corners only.")
@seed_option
@data_output_options
@plot_option
@quiet_option
def sweep(varies, containers, container_id, munitions, round_filter, settings, draws, seed, assumption_paths,
          claim_paths, fmt, output, plot_path, quiet):
    """The estimate over a grid of one or two parameters, one row per point.

    Each point fixes the swept parameters and runs every other assumption from its
    pessimistic to its optimistic corner, like estimate; with --draws, also percentiles
    of seeded draws. Example:

        estimator sweep --vary container.payload=18t..30t:13 --munition 152mm --format csv
    """
    import numpy as np

    from estimator.catalog import load_catalog
    from estimator.parameters import parse_overrides
    from estimator.render import axis_records, provenance_of, render_sweep, sweep_records
    from estimator.sweep import keep_swept, parse_axes, progress_steps, run_sweep, swept_containers
    from estimator.uncertainty import sample_values

    if plot_path:
        from estimator.figures import check_plot_path, sweep_figure

        check_plot_path(plot_path)
    catalog = load_catalog(assumptions=assumption_paths, claims=claim_paths)
    axes = parse_axes(varies, catalog, parse_overrides(settings, catalog))
    scenarios = keep_swept(axes, [
        scenario
        for container in swept_containers(axes, container_id)
        for scenario in selected_scenarios(catalog, container, munitions, round_filter, settings, containers)
    ])
    sampler, rng = (sample_values, np.random.default_rng(seed)) if draws else (None, None)
    with progress(progress_steps(scenarios, axes, draws or 0), quiet, "sweep") as update:
        points = run_sweep(scenarios, axes, update, sampler, draws or 0, rng)
    text = render_sweep(points, axes, fmt, provenance_of(catalog, seed if draws else None), draws or 0)
    if plot_path:
        save_plot(sweep_figure, sweep_records(points), plot_path, axis_records(axes))
    emit(text, output)
    note_shared_packages(catalog, munitions_of(catalog, scenarios), settings, [axis.name for axis in axes])


@cli.command()
@scenario_options
# The default is estimator.sensitivity.DEFAULT_DRAWS (tested), typed again for start-up time.
@click.option("--draws", type=click.IntRange(min=2, max=MAX_SOBOL_DRAWS), default=1024, show_default=True,
              help="Sobol base sample, a power of two; the model runs draws x (parameters + 2) times. "
              f"At most {MAX_SOBOL_DRAWS:,}.")
@seed_option
@data_output_options
@plot_option
@quiet_option
def sensitivity(container_id, munitions, round_filter, settings, draws, seed, assumption_paths, claim_paths, fmt,
                output, plot_path, quiet):
    """Which assumptions drive the answer: Sobol indices and a tornado table.

    For each munition and round definition: first-order and total Sobol indices of the
    rounds per container (every uncertain assumption uniform over its range), with a
    bootstrap interval, and the swing when one assumption alone goes from its low to its
    high end. Example:

        estimator sensitivity --munition 152mm --round projectile --draws 2048 --seed 1
    """
    import numpy as np

    from estimator.catalog import load_catalog
    from estimator.render import provenance_of, render_sensitivity, sensitivity_records
    from estimator.sensitivity import CONFIDENCE_LEVEL, analyse_all, check_draws

    check_draws(draws)
    if plot_path:
        from estimator.figures import check_plot_path, tornado_figure

        check_plot_path(plot_path)
    catalog = load_catalog(assumptions=assumption_paths, claims=claim_paths)
    scenarios = selected_scenarios(catalog, container_id, munitions, round_filter, settings, containers=1)
    with progress(len(scenarios), quiet, "sensitivity") as update:
        analyses = analyse_all(scenarios, draws, np.random.default_rng(seed), update)
    text = render_sensitivity(analyses, fmt, provenance_of(catalog, seed), draws, CONFIDENCE_LEVEL)
    if plot_path:
        save_plot(tornado_figure, sensitivity_records(analyses), plot_path)
    emit(text, output)
    note_shared_packages(catalog, munitions_of(catalog, scenarios), settings)


@cli.command()
@data_output_options
def assumptions(assumption_paths, claim_paths, fmt, output):
    """Every assumption: its parameter name, value or range, unit and source.

    Example:

        estimator assumptions --assumptions my-crates.toml --format csv --output assumptions.csv
    """
    from estimator.catalog import load_catalog
    from estimator.render import provenance_of, render_assumptions

    catalog = load_catalog(assumptions=assumption_paths, claims=claim_paths)
    emit(render_assumptions(catalog, fmt, provenance_of(catalog)), output)



@cli.command()
@click.option("--container", "container_id", callback=_refuse_empty("a container type, such as 20ft"),
              help="Container type (20ft, 40ft, 40ft-hc): its smallest interior and door from the "
              "assumptions, less the smallest load.clearance and load.dunnage_height.")
@click.option("--interior", metavar="LxWxH", callback=_refuse_empty("LxWxH, such as 5.9x2.35x2.39m"),
              help="Interior instead of --container, in any length unit: 5.9x2.35x2.39m, 590x235x239cm.")
@click.option("--package", "package", metavar="LxWxH", callback=_refuse_empty("LxWxH, such as 0.75x0.40x0.35m"),
              help="Package sides, the third one vertical with --upright: 0.75x0.40x0.35m.")
@click.option("--munition", "munition_id", metavar="ID", callback=_refuse_empty("a munition id, such as 152mm-shell"),
              help="Take the package from the assumptions: "
              "its largest sides and gross mass, upright and max_layers (--package, --mass and "
              "--max-layers override; --upright keeps a package upright, never frees one).")
@click.option("--crate", "crate_id", default="crate", show_default=True, metavar="NAME",
              callback=_refuse_empty("a package of the munition, such as crate"),
              help="Which package of --munition (crate, charge_crate).")
@click.option("--round", "round_name", metavar="NAME", callback=_refuse_empty("a round of the munition, such as complete"),
              help="Load a round of --munition (projectile, complete): every package of its kit, each in its own "
              "length of the container, split for the most whole rounds; with --container its smallest usable "
              "payload limits them too. --upright and --max-layers then apply to every package.")
@click.option("--upright", is_flag=True, help="Keep the package's third side vertical.")
@click.option("--max-layers", type=click.IntRange(min=1), default=None, help="Most layers in a stack.")
@click.option("--pallet", "pallet_id", metavar="ID", callback=_refuse_empty("a pallet type, such as EUR"),
              help="Build unit loads on this pallet type (463L, EUR) and pack those: count of pallets, "
              "packages per pallet and in all.")
@click.option("--mass", metavar="MASS", callback=_refuse_empty("a mass, such as 60kg"),
              help="Package gross mass in any unit (60kg), for --pallet.")
@plot_option
@data_output_options
def pack(container_id, interior, package, munition_id, crate_id, round_name, upright, max_layers, pallet_id, mass,
         plot_path, assumption_paths, claim_paths, fmt, output):
    """How many identical packages, or a round's kit of packages, fit in a container, and how.

    With the upper bound and the gap to it; a kit also gets its mass limit.

    Lengths are rounded to whole millimetres (interior down, package up). Examples:

        estimator pack --container 20ft --package 0.75x0.40x0.35m --upright

        estimator pack --container 20ft --munition 152mm-shell --round complete
    """
    from estimator.packing import pack as pack_layout, parse_dimensions
    from estimator.render import render_pack

    if plot_path:
        from estimator.figures import check_plot_path

        check_plot_path(plot_path)

    if (container_id is None) == (interior is None):
        raise OneLineError("give exactly one of --container or --interior")
    if round_name is not None:
        return _pack_round(container_id, interior, package, munition_id, round_name, upright, max_layers, pallet_id,
                           mass, plot_path, assumption_paths, claim_paths, fmt, output)
    if package is None and munition_id is None:
        raise OneLineError("give --package LxWxH or --munition ID")
    catalog = None
    if container_id or munition_id or pallet_id or assumption_paths or claim_paths:  # a bad file is an error
        from estimator.catalog import load_catalog

        catalog = load_catalog(assumptions=assumption_paths, claims=claim_paths)
    box, box_mass, box_upright, box_layers = None, None, False, None
    if munition_id:
        from estimator.pack_inputs import catalog_package

        box, box_mass, box_upright, box_layers = catalog_package(catalog, munition_id, crate_id)
    box = parse_dimensions(package, "--package") if package else box
    upright = upright or box_upright
    max_layers = max_layers or box_layers or 0
    if mass and not pallet_id:
        raise OneLineError(f"--mass {mass!r}: only unit loads (--pallet ID) have a mass limit; expected --pallet too")
    if mass:
        from estimator.units import parse_si

        box_mass = parse_si(mass, "mass", "--mass")
        if box_mass <= 0:
            raise OneLineError(f"--mass {mass!r}: expected a mass above zero, such as 60kg")
    door = None
    if container_id is not None:
        from estimator.pack_inputs import smallest_interior

        interior_m, door = smallest_interior(catalog, container_id, floor_dunnage=pallet_id is None)
    else:
        interior_m = parse_dimensions(interior, "--interior")
    palletised = None
    if pallet_id:
        from estimator.pallets import pack_pallets, pallet_spec

        if box_mass is None:
            raise OneLineError("--pallet needs the package's gross mass: give --mass (such as 60kg) or --munition")
        palletised = pack_pallets(interior_m, box, box_mass, upright, pallet_spec(catalog.pallet(pallet_id)),
                                  max_layers, door)
        layout = palletised.layout
    else:
        layout = pack_layout(interior_m, box, upright, max_layers, door)
    text = render_pack(layout, fmt, palletised)
    if plot_path:
        from estimator.figures import layout_figure

        save_plot(layout_figure, layout, plot_path)
    emit(text, output)


def _pack_round(container_id, interior, package, munition_id, round_name, upright, max_layers, pallet_id, mass,
                plot_path, assumption_paths, claim_paths, fmt, output) -> None:
    """``pack --round``: a munition's round, its kit of packages sharing the container."""
    from estimator.catalog import load_catalog
    from estimator.kit_pack import kit_limits, pack_kit
    from estimator.pack_inputs import catalog_kit, smallest_interior, smallest_usable_payload
    from estimator.packing import parse_dimensions
    from estimator.render import render_kit_pack

    if munition_id is None:
        raise OneLineError(f"--round {round_name!r}: expected --munition too, such as --munition 152mm-shell")
    given = click.get_current_context().get_parameter_source
    for name, option in (("package", "--package"), ("crate_id", "--crate"), ("pallet_id", "--pallet"),
                         ("mass", "--mass")):
        if given(name) == click.core.ParameterSource.COMMANDLINE:
            raise OneLineError(f"{option} with --round: a round takes every package of its kit, sides and mass, "
                               f"from the assumptions, and loads them without pallets; expected --round without "
                               f"{option}")
    if plot_path:
        from estimator.figures import check_plot_path

        check_plot_path(plot_path)
    catalog = load_catalog(assumptions=assumption_paths, claims=claim_paths)
    parts = [part._replace(upright=part.upright or upright, max_layers=max_layers or part.max_layers)
             for part in catalog_kit(catalog, munition_id, round_name)]
    if container_id is not None:
        interior_m, door = smallest_interior(catalog, container_id)
        usable_kg = smallest_usable_payload(catalog, container_id)
    else:
        interior_m, door, usable_kg = parse_dimensions(interior, "--interior"), None, None
    kit = pack_kit(interior_m, parts, door)
    limits = kit_limits(kit, usable_kg)
    text = render_kit_pack(kit, limits, fmt, usable_kg, munition_id, round_name)
    if plot_path:
        from estimator.figures import kit_figure

        save_plot(kit_figure, kit, plot_path, limits)
    emit(text, output)


def main():
    """Console-script entry point."""
    cli()


if __name__ == "__main__":
    main()
