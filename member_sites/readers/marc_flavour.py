"""Which MARC a decoded ISO 2709 / MARCXML record is: MARC21 or UNIMARC (CNMARC).

Both share the record structure, so a file can be read with the wrong reader (or hold both):
each record is checked on its own. The title field tells them apart: MARC21 has it in 245,
UNIMARC/CNMARC in 200, a tag MARC21 leaves undefined. Messages name the format to choose.
"""

WRONG_FOR_MARC21 = ("unusable: UNIMARC/CNMARC record (its title is in 200, it has no 245), "
                    "not MARC21: read this file with the format cnmarc")
WRONG_FOR_CNMARC = ("unusable: MARC21 record (its title is in 245, it has no 200), "
                    "not UNIMARC/CNMARC: read this file with the format marc21")


def looks_unimarc(record) -> bool:
    """A 200 with a title ($a) and no 245."""
    return record.get("245") is None and any(f.get_subfields("a") for f in record.get_fields("200"))


def looks_marc21(record) -> bool:
    """A 245 and no 200."""
    return record.get("200") is None and record.get("245") is not None
