"""Errors of the record package: a value the push record cannot take.

``RecordError`` is a ``ValueError``, so callers that only need "usable or not" catch that.
Each message is the push API's wording, ready to show to a librarian.
"""


class RecordError(ValueError):
    """Root of the record package's errors."""


class InvalidISBN(RecordError):
    """Not an ISBN-10 or ISBN-13, or its check digit is wrong."""


class InvalidISSN(RecordError):
    """Not an ISSN, or its check digit is wrong."""


class InvalidCLC(RecordError):
    """Not a CLC (中图法) class number."""


class UnknownLanguage(RecordError):
    """Not an ISO 639-1 or 639-2 language code."""


class FutureDate(RecordError):
    """A date that cannot have happened yet (an acquisition tomorrow or later)."""


class InvalidValue(RecordError):
    """A value breaks its field's declared rules; ``messages`` holds every reason."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = list(messages)
