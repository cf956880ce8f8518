"""The push record's contract, declared once for both sides of the HTTP push API.

Member sites (readers, ``member-sync``) check and tidy records with it before pushing; the
consortium builds its push schema and its fast loader from the same declaration, so a value a
reader calls valid is one the push API accepts, worded the same way when it is not.

- ``fields``: every field of DESIGN.md "Record fields" (kind, required, limits, vocabularies,
  defaults, the rule an identifier must pass).
- ``checks``: pure per-value checks of a declared field, with the push API's messages.
- ``normalise``: a validated record in its canonical form.
- ``identifiers`` (ISBN, ISSN), ``clc`` (中图法 class numbers), ``language`` (ISO 639),
  ``dates``, ``text``: the value rules themselves.
- ``messages``: the wording of every error; ``errors``: ``RecordError`` and its leaves.

Dependencies: python-stdnum and pycountry (pycountry's tables load on first use); nothing
else outside the standard library, so both distributions can carry it.
"""
