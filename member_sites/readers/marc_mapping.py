"""MARC21 bibliographic record (pymarc) → push record.

Decisions (also in README "Member data readers"):
- ``local_id``: 001; else the first 035 $a (problem noted); else a content hash of title,
  authors, year and ISBNs (problem noted: editing such a record creates a new holding).
- Vernacular 880 fields linked by $6 are what readers see: 245 → ``title``/``subtitle``,
  100/110/111/700/710 → ``authors``, 260/264 → ``publisher``. The romanised title is kept in
  ``title_romanized`` and, so readers find the work by either form, added to ``subtitle`` as an
  ISBD parallel title ("<vernacular subtitle> = <romanised title>"). Romanised author names are
  kept in ``authors_romanized`` and appended after all the names readers see.
- ``clc`` only holds CLC numbers (084 with $2 clc). Without one, LCC (050) and DDC (082) numbers
  go to ``subjects`` as "LCC …" / "DDC …" so they stay searchable.
- ``format`` from the leader, 008, 007, 245 $h, 300 and RDA 337/338 (``marc_format``).
  Authority, holdings and classification records are reported as not bibliographic.
- ``edition`` from 250 $a $b (its vernacular 880 when linked).
- Holdings from the item fields of Koha (952), SirsiDynix (999/949) or Evergreen and standard
  MARC (852): copies, availability, call number, location (``marc_holdings``).
"""
import re

from member_sites.readers import ReadResult
from member_sites.readers.marc_flavour import WRONG_FOR_MARC21, looks_unimarc
from member_sites.readers.marc_format import record_format
from member_sites.readers.marc_holdings import holdings
from member_sites.readers.values import clean, content_id, finish, strip_isbd

_NOT_BIBLIOGRAPHIC = {"z": "an authority record", "u": "a holdings record", "v": "a holdings record",
                      "x": "a holdings record", "y": "a holdings record", "w": "a classification record",
                      "q": "a community information record"}
_YEAR = re.compile(r"(1[0-9]{3}|20[0-9]{2})")
_AUTHOR_TAGS = ("100", "110", "111", "700", "710", "711")
_SUBJECT_TAGS = ("600", "610", "611", "630", "650", "651")


def _sub(field, *codes) -> str | None:
    return clean(" ".join(v for code in codes for v in field.get_subfields(code)))


def vernacular_links(record) -> dict[str, object]:
    """880 fields by the "TAG-NN" they are linked to (unlinked "TAG-00" ones keyed by "TAG")."""
    links = {}
    for field in record.get_fields("880"):
        link = (field.get_subfields("6") or [""])[0]
        tag, _, occurrence = link.partition("-")
        occurrence = occurrence[:2]
        key = tag if occurrence in ("", "00") else f"{tag}-{occurrence}"
        links.setdefault(key, field)
    return links


def _linked(field, links):
    link = (field.get_subfields("6") or [""])[0]
    if not link.startswith("880-"):
        return None
    return links.get(f"{field.tag}-{link[4:6]}")


def _title(record, links, out: dict) -> None:
    field = record.get("245")
    vernacular = _linked(field, links) if field is not None else links.get("245")
    source = vernacular or field
    if source is None:
        out["title"] = _fallback_title(record)
        return
    out["title"] = strip_isbd(_sub(source, "a", "n", "p")) or strip_isbd(_sub(source, "k"))
    subtitle = strip_isbd(_sub(source, "b"))
    if not out["title"]:
        out["title"], subtitle = subtitle or _fallback_title(record), None
    if vernacular is not None and field is not None:
        subtitle = _with_romanised(out, subtitle, strip_isbd(_sub(field, "a", "n", "p")), strip_isbd(_sub(field, "b")))
    out["subtitle"] = subtitle


def _with_romanised(out: dict, subtitle, rom_title, rom_subtitle):
    """Keep the romanised title searchable: ``title_romanized`` plus an ISBD parallel title."""
    romanised = " : ".join(filter(None, (rom_title, rom_subtitle)))
    if not romanised or romanised == out.get("title"):
        return subtitle
    out["title_romanized"] = romanised
    parallel = " : ".join(p for p in (rom_title, rom_subtitle) if p and p not in (subtitle or ""))
    if not parallel:
        return subtitle
    return f"{subtitle} = {parallel}" if subtitle else parallel


def _fallback_title(record) -> str | None:
    """Varying form, uniform or added title when 245 has none (reported by the caller)."""
    for tag in ("246", "240", "130", "740"):
        for field in record.get_fields(tag):
            title = strip_isbd(_sub(field, "a", "n", "p"))
            if title:
                return title
    return None


def _name(field) -> str | None:
    codes = ("a", "b") if field.tag.endswith("00") else ("a", "b", "n")
    return strip_isbd(_sub(field, *codes))


def _authors(record, links, out: dict) -> None:
    seen, romanised = [], []
    for field in record.get_fields(*_AUTHOR_TAGS):
        vernacular = _linked(field, links)
        name = _name(vernacular) if vernacular is not None else _name(field)
        if vernacular is not None and _name(field):
            romanised.append(_name(field))
        if name:
            seen.append(name)
    if not seen:
        seen = [n for n in (_name(links[t]) for t in _AUTHOR_TAGS if t in links) if n]
    out["authors"] = seen + [r for r in romanised if r not in seen]
    if romanised:
        out["authors_romanized"] = romanised


def _publication(record, links, out: dict) -> None:
    fields = [f for f in record.get_fields("264") if f.indicator2 == "1"] or record.get_fields("260")
    field = fields[0] if fields else None
    if field is not None:
        source = _linked(field, links) or field
        out["publisher"] = strip_isbd(_sub(source, "b"))
    fixed = record.get("008")
    dates = fixed.data[7:11] if fixed is not None and fixed.data else ""
    if dates.isdigit() and _YEAR.fullmatch(dates):
        out["year"] = int(dates)
    elif field is not None:
        match = _YEAR.search(_sub(field, "c") or "")
        out["year"] = int(match.group(1)) if match else None


def _language(record) -> str | None:
    fixed = record.get("008")
    code = fixed.data[35:38].strip() if fixed is not None and len(fixed.data or "") >= 38 else ""
    if code.isalpha() and code.lower() not in ("und", "zxx"):
        return code.lower()
    field = record.get("041")
    return clean((field.get_subfields("a") or [""])[0][:3]) if field is not None else None


def _classification(record, out: dict) -> None:
    for field in record.get_fields("084"):
        if any(s.strip().lower().startswith("clc") for s in field.get_subfields("2")):
            number = clean((field.get_subfields("a") or [""])[0])
            if number:
                out["clc"] = number
                return
    extra = []
    for tag, label in (("050", "LCC"), ("082", "DDC")):
        field = record.get(tag)
        number = clean(" ".join(field.get_subfields("a", "b")).replace("/", "")) if field is not None else None
        if number:
            extra.append(f"{label} {number}")
    out["subjects"] = out.get("subjects", []) + extra


def _subjects(record, links) -> list[str]:
    subjects = []
    for field in record.get_fields(*_SUBJECT_TAGS):
        for source in filter(None, (_linked(field, links), field)):
            parts = [strip_isbd(v) for v in source.get_subfields("a", "b", "t", "v", "x", "y", "z")]
            text = " -- ".join(p for p in parts if p)
            if text:
                subjects.append(text)
    return subjects


def _url(record) -> str | None:
    fields = record.get_fields("856")
    preferred = [f for f in fields if f.indicator2 in ("0", "1", " ", None)] or fields
    for field in preferred:
        for url in field.get_subfields("u"):
            url = (url or "").strip()
            if url.lower().startswith(("http://", "https://")):
                return url
    return None


def _edition(record, links) -> str | None:
    field = record.get("250")
    if field is None:
        return strip_isbd(_sub(links["250"], "a", "b")) if "250" in links else None
    return strip_isbd(_sub(_linked(field, links) or field, "a", "b"))


def _local_id(record, out: dict, problems: list[str]) -> bool:
    """Set ``local_id``; True when it is not the record's own 001 (035 numbers are shared by
    the copies of one source record, so a repeat is numbered like a content hash)."""
    control = record.get("001")
    local_id = clean(control.data) if control is not None else None
    if local_id:
        out["local_id"] = local_id
        return False
    system = [clean(v) for f in record.get_fields("035") for v in f.get_subfields("a")]
    local_id = next((v for v in system if v), None)
    if local_id:
        problems.append(f"no 001 control number; local id taken from 035: {local_id}")
    else:
        local_id = content_id("marc", out.get("title"), out.get("authors"), out.get("year"), out.get("isbns"))
        problems.append("no 001 or 035; local id derived from the record's content "
                        "(editing the record will create a new holding)")
    out["local_id"] = local_id
    return True


def map_fields(record) -> dict:
    """The push fields of a bibliographic record (no validation)."""
    links = vernacular_links(record)
    out: dict = {"isbns": [v for f in record.get_fields("020") for v in f.get_subfields("a")],
                 "issns": [v for f in record.get_fields("022") for v in f.get_subfields("a")],
                 "subjects": _subjects(record, links)}
    _title(record, links, out)
    _authors(record, links, out)
    _publication(record, links, out)
    out["language"] = _language(record)
    _classification(record, out)
    summary = record.get("520")
    out["summary"] = _sub(summary, "a", "b") if summary is not None else None
    out["url"] = _url(record)
    out["format"] = record_format(record)
    out["edition"] = _edition(record, links)
    out.update(holdings(record))
    return out


def record_from_marc(record, position: str = "record", problems: list[str] | None = None,
                     local_id: str | None = None) -> ReadResult:
    """Map one pymarc ``Record`` to a ``ReadResult``; ``local_id`` overrides 001 (OAI harvests)."""
    problems = list(problems or [])
    kind = str(record.leader)[6:7]
    if looks_unimarc(record):
        return ReadResult(position, None, [WRONG_FOR_MARC21] + problems)
    if kind in _NOT_BIBLIOGRAPHIC:
        problems.insert(0, f"unusable: {_NOT_BIBLIOGRAPHIC[kind]} (leader/06 '{kind}'), not a bibliographic record")
        return ReadResult(position, None, problems)
    out = map_fields(record)
    derived = False
    if local_id:
        out["local_id"] = local_id
    else:
        derived = _local_id(record, out, problems)
    if not out.get("title"):
        problems.insert(0, "unusable: no title (245 $a, nor 246, 240, 130 or 740)")
        return ReadResult(position, None, problems)
    return finish(position, out, problems, derived_id=derived)
