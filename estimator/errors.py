"""Typed errors. The command line turns each into a single line and exit code 2."""


class EstimatorError(Exception):
    """Base class for every error the tool reports to a user as one line."""


class InputError(EstimatorError):
    """A value given by a user (option, ``--set``) is malformed or out of range."""


class DataError(EstimatorError):
    """An assumptions or claims file is missing, malformed or fails validation.

    The message names the file, the key and the problem.
    """
