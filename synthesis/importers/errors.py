"""The error raised for malformed dataset files."""


class DatasetFormatError(ValueError):
    """A dataset file is unreadable or a record lacks a field; the message names file, record and field."""
