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


QUOTE_LIMIT = 80  # characters of a user's value a message repeats


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A user's value as a message quotes it: ``repr`` of at most ``limit`` characters.

    A longer value (a 100,000-character parameter) is cut, marked with ``…`` and its length, so a
    message stays one readable line. Every message that repeats a value given by the user uses this.
    """
    text = str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text):,} characters)"
