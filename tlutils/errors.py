"""The errors tlutils shows as one sentence: what went wrong, where, and what to do.

Every message is a single sentence a learner can act on; in a notebook it is shown without a
traceback (see :mod:`tlutils.downloads`), and ``python -m tlutils.challenge`` prints it alone.
"""
from __future__ import annotations


class CourseError(Exception):
    """A problem the learner can fix (a file, a folder, a setting); the message says how.

    Example:
        >>> str(CourseError("data.csv, line 3: the label 'positive' is not 0 or 1; write 0 or 1."))[:8]
        'data.csv'
    """


class DataFileError(CourseError, ValueError):
    """A data file that cannot be read as the course expects (names the file and the line)."""


class FolderError(CourseError, OSError):
    """A folder the course must write to that is missing, not a folder, or not writable."""


class InputError(CourseError, ValueError):
    """An argument or setting that does not fit (an unknown name, an empty list of texts, a
    results folder that holds another run)."""
