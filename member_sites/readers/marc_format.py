"""The push ``format`` of a MARC21 record, read from every field that says what the item is.

Catalogues code the same thing in several places and often leave one of them wrong (an
audiobook with leader/06 'a' "language material" but 007 'sd' and "[sound recording]"), so
each place is evidence:

- leader/06 type and /07 bibliographic level (serial levels b, i, s);
- 008 form of item (o, q, s: online or electronic) and 007/00 category (c electronic,
  s sound recording, v videorecording, m motion picture);
- 245 $h general material designation ("[sound recording]", "[electronic resource]");
- 300 $a extent ("2 sound discs", "1 online resource", "1 videodisc"), not what comes after
  a "+" (accompanying material: "96 p. + 1 sound disc" is a book);
- RDA 337 media type / 338 carrier type ("audio", "video", "computer", "online resource");
- 502 dissertation note (thesis).

Sound or video anywhere makes ``av``; electronic anywhere makes a book an ``ebook`` and a
serial an ``ejournal``. A "computer" media type with a physical carrier (a CD-ROM) is not
online, but it is still electronic here: the union catalogue has no finer format.
"""
import re

_AUDIO_VISUAL = re.compile(r"sound recording|videorecording|motion picture|录音|录像|"
                           r"\b(sound|audio|video)\s*(disc|disk|cassette|cartridge|tape|reel)s?\b|"
                           r"\bvideodiscs?\b|\bdvds?\b|\bblu-?ray\b|\baudiobooks?\b", re.IGNORECASE)
_ELECTRONIC = re.compile(r"electronic resource|computer file|online resource|电子资源|电子出版物", re.IGNORECASE)
_MEDIA_AV = ("audio", "video", "projected")
_MEDIA_ELECTRONIC = ("computer", "online resource")


def _texts(record, tag: str, *codes: str) -> str:
    return " ".join(v for f in record.get_fields(tag) for v in f.get_subfields(*codes))


def _extent(record) -> str:
    """300 $a without accompanying material ("96 p. + 1 sound disc" is a book)."""
    return " ".join(v.split("+", 1)[0] for f in record.get_fields("300") for v in f.get_subfields("a"))


def _fixed(record, tag: str) -> str:
    field = record.get(tag)
    return (field.data or "") if field is not None else ""


def is_audio_visual(record) -> bool:
    """007 category, 245 $h, 300 or RDA 337/338 say sound or video."""
    if _fixed(record, "007")[:1] in ("s", "v", "m"):
        return True
    media = _texts(record, "337", "a").lower() + " " + _texts(record, "338", "a").lower()
    if any(word in media for word in _MEDIA_AV):
        return True
    return bool(_AUDIO_VISUAL.search(_texts(record, "245", "h") + " " + _extent(record)))


def is_electronic(record, leader: str) -> bool:
    """008 form of item, 007 category, 245 $h, 300 or RDA 337/338 say electronic."""
    fixed = _fixed(record, "008")
    form = fixed[23:24] if leader[6:7] in "at" else fixed[29:30] if leader[6:7] in "efgk" else ""
    if form in ("o", "q", "s") or _fixed(record, "007")[:1] == "c":
        return True
    media = _texts(record, "337", "a").lower() + " " + _texts(record, "338", "a").lower()
    if any(word in media for word in _MEDIA_ELECTRONIC):
        return True
    return bool(_ELECTRONIC.search(_texts(record, "245", "h") + " " + _extent(record)))


def record_format(record) -> str:
    """Push ``format`` (see the module docstring)."""
    leader = str(record.leader)
    kind, level = leader[6:7], leader[7:8]
    if kind in ("g", "i", "j"):
        return "av"
    if kind in ("a", "t"):
        serial = level in ("s", "i", "b")
        if not serial and is_audio_visual(record):
            return "av"
        if is_electronic(record, leader):
            return "ejournal" if serial else "ebook"
        if serial:
            return "journal"
        return "thesis" if record.get("502") is not None else "book"
    if kind == "m":
        return "database" if _fixed(record, "008")[26:27] == "j" else "other"
    return "other"
