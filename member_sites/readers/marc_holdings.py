"""Copies, availability, call number and location of a MARC21 record, from the item fields
that library systems put into their exports.

Each system has its own item field; the first kind found wins, one field per copy. Call
number and location are those of the first copy on the shelf (else of the first copy):

- **Koha** ``952``: $o call number, $a/$b branch, $c shelving location; on loan ($q due date),
  lost ($1), withdrawn ($0) or not for loan ($7) is not available. Other systems use 952 for
  local notes, so only a 952 with a barcode ($p) or call number ($o) is an item.
- **SirsiDynix** (Unicorn, Symphony) ``999`` and its ``949`` variant: $a call number, $w
  classification scheme, $i barcode, $m library, $l home location, $k current location
  (present only while the copy is away from home: checked out, in transit, missing). A copy
  whose home location is itself a state (LOST, MISSING, ON-ORDER…) is not available either.
  III and Alma put other data in 999/949 (record numbers, fixed fields), so only a field with
  a call number and a scheme or barcode is a Sirsi item.
- **Evergreen** and standard MARC ``852``: $k prefix, $h classification part, $i item part,
  $m suffix make the call number; Evergreen writes its label in $j instead. Location $b $c.
  Evergreen's $z copy status ("Available", "Reshelving" on the shelf) gives availability;
  standard 852s carry none.
"""
import re

from member_sites.readers.values import clean

# Sirsi home locations that are states, not shelves: such a copy is not on the shelf
_SIRSI_AWAY = re.compile(r"^(LOST|MISSING|ON-?ORDER|IN-?PROCESS|DISCARD|WITHDRAWN|CHECKEDOUT|INTRANSIT|"
                         r"REPAIR|BINDERY|CLAIMS?-?RET|ON-?LOAN)", re.IGNORECASE)
_EVERGREEN_ON_SHELF = ("available", "reshelving")


def _sub(field, *codes) -> str | None:
    return clean(" ".join(v for code in codes for v in field.get_subfields(code)))


def _distinct(*values) -> str | None:
    """Values joined once each (Evergreen repeats $b for circulating and owning library)."""
    seen = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return clean(" ".join(seen))


def _koha(record) -> dict | None:
    items = [f for f in record.get_fields("952") if f.get_subfields("p", "o")]
    if not items:
        return None
    first = next((item for item in items if _koha_available(item)), items[0])
    return {"copies": len(items), "available": sum(1 for item in items if _koha_available(item)),
            "call_number": _sub(first, "o"),
            "location": _distinct(_sub(first, "a") or _sub(first, "b"), _sub(first, "c"))}


def _koha_available(item) -> bool:
    if item.get_subfields("q"):  # on loan (due date)
        return False
    return all((item.get_subfields(code) or ["0"])[0].strip() in ("", "0") for code in ("0", "1", "7"))


def _sirsi(record) -> dict | None:
    for tag in ("999", "949"):
        items = [f for f in record.get_fields(tag) if _sub(f, "a") and f.get_subfields("w", "i")]
        if items:
            first = next((item for item in items if _sirsi_available(item)), items[0])
            return {"copies": len(items), "available": sum(1 for item in items if _sirsi_available(item)),
                    "call_number": _sub(first, "a"), "location": _distinct(_sub(first, "m"), _sub(first, "l"))}
    return None


def _sirsi_available(item) -> bool:
    current, home = _sub(item, "k"), _sub(item, "l") or ""
    if current and current != home:
        return False
    return not _SIRSI_AWAY.match(home)


def _call_number_852(field) -> str | None:
    return _sub(field, "k", "h", "i", "m") or _sub(field, "j")


def _852(record) -> dict | None:
    fields = record.get_fields("852")
    if not fields:
        return None
    first = fields[0]
    out = {"copies": len(fields), "location": _distinct(*(clean(v) for v in first.get_subfields("b", "c"))),
           "call_number": next(filter(None, map(_call_number_852, fields)), None)}
    statuses = [clean(" ".join(f.get_subfields("z"))) for f in fields]
    if first.get_subfields("j") and any(statuses):  # Evergreen says each copy's status in $z
        out["available"] = sum(1 for s in statuses if s and s.lower() in _EVERGREEN_ON_SHELF)
    return out


def holdings(record) -> dict:
    """``copies``, ``available``, ``call_number``, ``location`` (those the record carries)."""
    for kind in (_koha, _sirsi, _852):
        found = kind(record)
        if found is not None:
            return {k: v for k, v in found.items() if v is not None}
    return {}
