"""One exception type for problems the user can fix (bad input, bad parameter).

The command line prints its message as one line and exits non-zero; anything else
is a bug and keeps its traceback.
"""


class AnalysisError(Exception):
    """A user-facing error: the message names the file/row/parameter and what was expected."""


class InputError(AnalysisError):
    """A raw input file is malformed, unknown or inconsistent."""


class ParameterError(AnalysisError):
    """A parameter (municipality, period, table, ...) is not valid."""
