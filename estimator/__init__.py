"""estimator: unit-aware cargo capacity ranges for artillery ammunition in containers.

Importing the package is cheap on purpose (no numpy, pint or scipy), so that
``estimator --help`` starts fast; the model lives in the submodules.
"""

__version__ = "0.1.0"
