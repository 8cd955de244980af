"""``estimator`` and ``python -m estimator``: the command line of the root ``cli.py``.

An installed wheel carries ``cli.py`` as ``estimator/cli.py`` (pyproject's force-include);
an editable install or a source checkout keeps it at the project root, which the editable
install puts on ``sys.path``. Either way the same click group runs.
"""

try:
    from estimator.cli import main
except ModuleNotFoundError as missing:
    if missing.name != "estimator.cli":
        raise
    from cli import main

if __name__ == "__main__":
    main()
