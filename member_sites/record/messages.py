"""The wording of every record error, as the push API answers it (``{field: [message]}``).

Templates take ``str.format`` arguments named as marshmallow names them (``min``, ``max``,
``choices``, ``input``), so the consortium's schema can pass them as its validators'
``error`` and both sides word an error alike.
"""
REQUIRED = "Missing data for required field."
NULL = "Field may not be null."
NOT_OBJECT = "A record must be a JSON object."
NOT_STRING = "Not a valid string."
NOT_INTEGER = "Not a valid integer."
NOT_DATE = "Not a valid date."
NOT_LIST = "Not a valid list."
NOT_URL = "Not a valid URL."
TOO_MANY_ITEMS = "A list of at most {max} values."
LENGTH_MIN = "Shorter than minimum length {min}."
LENGTH_MAX = "Longer than maximum length {max}."
LENGTH_BETWEEN = "Length must be between {min} and {max}."
RANGE_MIN = "Must be greater than or equal to {min}."
RANGE_MAX = "Must be less than or equal to {max}."
RANGE_BETWEEN = "Must be greater than or equal to {min} and less than or equal to {max}."
ONE_OF = "Must be one of: {choices}."
YEAR_RANGE = "Year must be between {min} and {max}."
FUTURE_ACQUISITION = "The acquisition date is in the future."
BAD_ISBN_CHECK = "ISBN {raw!r} has a bad check digit."
NOT_ISBN = "{raw!r} is not an ISBN (10 or 13 digits)."
BAD_ISSN_CHECK = "ISSN {raw!r} has a bad check digit."
NOT_ISSN = "{raw!r} is not an ISSN (8 characters)."
NOT_CLC = "{raw!r} is not a CLC (中图法) class number such as TP311.13."
NOT_LANGUAGE = "{raw!r} is not an ISO 639-1 or 639-2 language code."
LONE_SURROGATE = "Not valid Unicode text: it contains {char}, a lone surrogate half that no text encoding can hold."
XML_FORBIDDEN = ("Contains {char}, a control character XML 1.0 forbids; it cannot be removed from an "
                 "identifier without changing it.")
