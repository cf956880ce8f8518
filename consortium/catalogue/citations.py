"""Citation export of one work: RIS, BibTeX, MARCXML and GB/T 7714-2015 (pure: plain dicts in,
text out).

Catalogues write translators into the author list ("范晔（译）", "Smith, J. (tr.)"): they are
split off (``creators``) and cited as translators, never as authors.
"""
import datetime as dt
import re
import xml.etree.ElementTree as ET

from pymarc import Field, Record, Subfield
from pymarc.marcxml import record_to_xml_node

from member_sites.record.xmlchars import strip_forbidden

RIS_TYPES = {"book": "BOOK", "ebook": "EBOOK", "journal": "JOUR", "ejournal": "EJOUR", "thesis": "THES",
             "database": "DBASE", "av": "VIDEO"}
BIBTEX_TYPES = {"book": "book", "ebook": "book", "thesis": "phdthesis"}


# "范晔（译）", "范晔 译", "Gregory Rabassa (tr.)", "translated by Edith Grossman"
_TRANSLATOR = re.compile(
    r"^\s*(?:translated by\s+)(?P<a>.+?)\s*$"
    r"|^\s*(?P<b>.+?)\s*(?:[（(\[]\s*(?:译|譯|翻译|翻譯|译者|譯者|tr\.?|trans\.?|translator)\s*[)）\]]"
    r"|\s+(?:译|譯))\s*$", re.IGNORECASE)
GBT_TYPES = {"book": "M", "ebook": "M/OL", "journal": "J", "ejournal": "J/OL", "thesis": "D", "database": "DB/OL",
             "av": "Z", "other": "Z"}
ONLINE = ("ebook", "ejournal", "database")


def creators(work: dict) -> tuple[list[str], list[str]]:
    """(authors, translators) of a work's author list, role marks removed from translators."""
    authors, translators = [], []
    for name in work.get("authors") or []:
        found = _TRANSLATOR.match(str(name))
        if found:
            translators.append(found.group("a") or found.group("b"))
        else:
            authors.append(str(name).strip())
    return authors, translators


def to_ris(work: dict, url: str) -> str:
    authors, translators = creators(work)
    lines = [("TY", RIS_TYPES.get(work.get("format"), "GEN")), ("TI", _title(work))]
    lines += [("AU", a) for a in authors] + [("A4", t) for t in translators]
    lines += [("PY", str(work["year"]))] if work.get("year") else []
    lines += [("PB", work["publisher"])] if work.get("publisher") else []
    lines += [("SN", v) for v in (work.get("isbns") or []) + (work.get("issns") or [])]
    lines += [("KW", s) for s in work.get("subjects") or []]
    lines += [("LA", work["language"])] if work.get("language") else []
    lines += [("CN", work["clc"])] if work.get("clc") else []
    lines += [("AB", work["summary"])] if work.get("summary") else []
    lines += [("UR", url), ("ER", "")]
    return "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in lines)


def _bibtex_escape(value) -> str:
    return re.sub(r"([{}\\&%$#_])", r"\\\1", _one_line(str(value)))


def to_bibtex(work: dict, url: str) -> str:
    authors, translators = creators(work)
    fields = [("title", _title(work)), ("author", " and ".join(authors)), ("translator", " and ".join(translators)),
              ("year", work.get("year")), ("publisher", work.get("publisher")),
              ("isbn", ", ".join(work.get("isbns") or [])), ("issn", ", ".join(work.get("issns") or [])),
              ("language", work.get("language")), ("note", f"CLC {work['clc']}" if work.get("clc") else None),
              ("url", url)]
    body = ",\n".join(f"  {name} = {{{_bibtex_escape(value)}}}" for name, value in fields if value)
    kind = BIBTEX_TYPES.get(work.get("format"), "misc")
    return f"@{kind}{{daodu{work['id']},\n{body}\n}}\n"


def to_marcxml(work: dict, url: str) -> str:
    # ElementTree writes whatever it is given: a character XML forbids in any stored value
    # would make the export unparseable, so every value loses them first.
    work, url = _xml_safe(work), strip_forbidden(url)
    record = Record(force_utf8=True)
    kind = "m" if work.get("format") in ("ebook", "database") else "a"
    level = "s" if work.get("format") in ("journal", "ejournal") else "m"
    record.leader = f"00000n{kind}{level} a2200000 i 4500"
    record.add_field(Field(tag="001", data=str(work["id"])))
    for isbn in work.get("isbns") or []:
        record.add_field(Field(tag="020", indicators=[" ", " "], subfields=[Subfield("a", isbn)]))
    for issn in work.get("issns") or []:
        record.add_field(Field(tag="022", indicators=[" ", " "], subfields=[Subfield("a", issn)]))
    if work.get("clc"):
        record.add_field(Field(tag="084", indicators=[" ", " "], subfields=[Subfield("a", work["clc"]), Subfield("2", "clc")]))
    authors, translators = creators(work)
    if authors:
        record.add_field(Field(tag="100", indicators=["1", " "], subfields=[Subfield("a", authors[0])]))
    title = [Subfield("a", work["title"])] + ([Subfield("b", work["subtitle"])] if work.get("subtitle") else [])
    record.add_field(Field(tag="245", indicators=["1" if authors else "0", "0"], subfields=title))
    imprint = [Subfield("b", work["publisher"])] if work.get("publisher") else []
    imprint += [Subfield("c", str(work["year"]))] if work.get("year") else []
    if imprint:
        record.add_field(Field(tag="264", indicators=[" ", "1"], subfields=imprint))
    if work.get("summary"):
        record.add_field(Field(tag="520", indicators=[" ", " "], subfields=[Subfield("a", work["summary"])]))
    for subject in work.get("subjects") or []:
        record.add_field(Field(tag="653", indicators=[" ", " "], subfields=[Subfield("a", subject)]))
    for other in authors[1:]:
        record.add_field(Field(tag="700", indicators=["1", " "], subfields=[Subfield("a", other)]))
    for translator in translators:
        record.add_field(Field(tag="700", indicators=["1", " "],
                               subfields=[Subfield("a", translator), Subfield("e", "translator")]))
    record.add_field(Field(tag="856", indicators=["4", "2"], subfields=[Subfield("u", url)]))
    return _xml(record)


def to_gbt7714(work: dict, url: str, accessed: dt.date | None = None) -> str:
    """The work as GB/T 7714-2015 cites it (著者-出版年 order of the sequential system):
    ``作者. 题名[M]. 译者, 译. 出版地: 出版者, 年.`` plus ``[引用日期]. URL`` for e-resources.
    The catalogue records no place of publication, so it is "[出版地不详]" ("[S.l.]" in
    Western-language records) as the standard asks."""
    chinese = _is_chinese(work)
    authors, translators = creators(work)
    kind = GBT_TYPES.get(work.get("format"), "Z")
    parts = []
    if authors:
        parts.append(_gbt_names(authors, chinese))
    parts.append(f"{_gbt_title(work)}[{kind}]")
    if translators:
        parts.append(f"{_gbt_names(translators, chinese)}, {'译' if chinese else 'trans'}")
    if work.get("publisher") or work.get("year"):
        place = "[出版地不详]" if chinese else "[S.l.]"
        imprint = f"{place}: {work['publisher']}" if work.get("publisher") else place
        parts.append(f"{imprint}, {work['year']}" if work.get("year") else imprint)
    text = ". ".join(_one_line(p).rstrip(".") for p in parts)
    if work.get("format") in ONLINE:
        text += f"[{(accessed or dt.date.today()).isoformat()}]. {url}"
    return text + ".\n" if not text.endswith(url) else text + "\n"


def _is_chinese(work: dict) -> bool:
    if work.get("language") in ("chi", "zho", "zh"):
        return True
    return any("\u3400" <= ch <= "\u9fff" for ch in work.get("title") or "")


def _gbt_names(names: list[str], chinese: bool) -> str:
    """At most three names, then 等 / et al; Western "Family, Given" as "FAMILY G"."""
    shown = [_gbt_name(n) for n in names[:3]]
    more = len(names) > 3
    return ", ".join(shown) + ((", 等" if chinese else ", et al") if more else "")


def _gbt_name(name: str) -> str:
    name = _one_line(name)
    if re.search(r"[\u3400-\u9fff]", name):
        return re.sub(r"\s*[（(][^)）]*[)）]\s*$", "", name)  # "马尔克斯 (García Márquez, G.)" → the Chinese form
    family, sep, given = name.partition(",")
    if not sep:
        return name
    initials = " ".join(part[0].upper() for part in re.split(r"[\s.\-]+", given) if part)
    return f"{family.strip().upper()} {initials}".strip()


def _gbt_title(work: dict) -> str:
    return f"{work['title']}: {work['subtitle']}" if work.get("subtitle") else work["title"]
def _xml_safe(value):
    """Strings without the characters XML 1.0 forbids, in any nesting of dicts and lists."""
    if isinstance(value, str):
        return strip_forbidden(value)
    if isinstance(value, dict):
        return {key: _xml_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_xml_safe(item) for item in value]
    return value


def _xml(record) -> str:

    node = record_to_xml_node(record, namespace=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(node, encoding="unicode") + "\n"


def _title(work: dict) -> str:
    return f"{work['title']}: {work['subtitle']}" if work.get("subtitle") else work["title"]


def _one_line(value) -> str:
    return " ".join(str(value).split())
