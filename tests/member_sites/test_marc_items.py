"""Call numbers, copies and availability from real systems' item fields; format from every field
that says what the item is; edition; qualified ISSNs (real records in ../shared/data and built ones)."""
import io
from collections import Counter

import pytest

from member_sites.readers import read_records
from member_sites.record.identifiers import normalise_issn
from tests.member_sites.test_marc import book, one


def read(shared_data, name: str, fmt: str = "marc21") -> list:
    with open(shared_data / "marc" / name, "rb") as fh:
        return list(read_records(fh, fmt))


def test_sirsi_999_items_give_call_numbers_to_every_uva_record(shared_data):
    """UVA's SirsiDynix export (999 $a): all 2,000 records get a call number (none did before)."""
    results = read(shared_data, "solrmarc/uva_001_2000.mrc")
    assert sum(1 for r in results if r.ok and r.record.get("call_number")) == 2000
    first = results[0].record  # two copies: home location LOST, and one by request at IVY
    assert (first["call_number"], first["copies"], first["available"]) == ("GV1619 .R6 1984", 2, 1)
    assert first["location"] == "IVY BY-REQUEST"


def test_sirsi_949_items_of_an_evergreen_test_set_give_call_numbers(shared_data):
    """The Unicorn export in Evergreen's French set keeps its items in 949 $a/$m/$l."""
    record = read(shared_data, "evergreen/datasets/lul_fre_500.mrc")[0].record
    assert (record["call_number"], record["location"], record["copies"], record["available"]) == (
        "BL 545 F4", "DESMARAIS DESM-CIR", 1, 1)


def test_stanford_999_current_location_marks_a_copy_checked_out():
    """A Sirsi item with $k (current location) away from its home location is not on the shelf."""
    result = one(book(("245", [("a", "Walden")]),
                      ("999", [("a", "PS3048 .A1"), ("w", "LC"), ("i", "3610501"), ("k", "CHECKEDOUT"),
                               ("l", "STACKS"), ("m", "GREEN")]),
                      ("999", [("a", "PS3048 .A1"), ("w", "LC"), ("i", "3610502"), ("l", "STACKS"), ("m", "GREEN")])))
    assert (result.record["copies"], result.record["available"]) == (2, 1)
    assert result.record["call_number"] == "PS3048 .A1" and result.record["location"] == "GREEN STACKS"


def test_iii_and_alma_999_fields_are_not_mistaken_for_items():
    """999 with record numbers or fixed fields (no scheme, no barcode) gives no call number."""
    result = one(book(("245", [("a", "Numbers")]), ("999", [("b", "1"), ("c", "040914"), ("d", "m")]),
                      ("999", [("a", "10002695")])))
    assert "call_number" not in result.record and "copies" not in result.record


def test_evergreen_852_call_number_label_and_copy_status(shared_data):
    """Evergreen puts its call number label in 852 $j and each copy's status in $z."""
    with open(shared_data / "marc/evergreen/concerto_marcxml/bibs_maps.marcxml", "rb") as fh:
        records = [r.record for r in read_records(fh, "marcxml")]
    geology = next(r for r in records if r["local_id"] == "13683783")
    assert (geology["call_number"], geology["location"], geology["available"]) == ("G4362.C6C5 s250.C37", "BR1 Stacks", 1)


def test_standard_852_joins_prefix_classification_item_and_suffix():
    """852 $k $h $i $m make one call number; $b $c the location."""
    result = one(book(("245", [("a", "Maps")]),
                      ("852", [("b", "MAIN"), ("c", "REF"), ("k", "Ref."), ("h", "G1019"), ("i", ".T5"), ("m", "2005")])))
    assert result.record["call_number"] == "Ref. G1019 .T5 2005" and result.record["location"] == "MAIN REF"


def test_koha_952_items_still_win(shared_data):
    """A Koha export keeps its 952 $o call number and availability."""
    record = read(shared_data, "solrmarc/datos-20161010-ajob.mrc")[0].record
    assert (record["call_number"], record["copies"], record["available"]) == ("861.42 C955", 1, 1)


def test_call_numbers_arrive_from_each_listed_field_across_the_shared_data(shared_data):
    """Every source with Sirsi, Koha or Evergreen items now yields call numbers."""
    counts = Counter()
    for name, fmt in [("solrmarc/uva_001_2000.mrc", "marc21"), ("evergreen/datasets/jazz_1k.mrc", "marc21"),
                      ("stanford_searchworks/mrc/callNumberTests.mrc", "marc21"),
                      ("evergreen/concerto_marcxml/bibs_fic.marcxml", "marcxml")]:
        counts[name] = sum(1 for r in read(shared_data, name, fmt) if r.ok and r.record.get("call_number"))
    assert counts["solrmarc/uva_001_2000.mrc"] == 2000
    assert counts["evergreen/datasets/jazz_1k.mrc"] >= 900
    assert counts["stanford_searchworks/mrc/callNumberTests.mrc"] == 43
    assert counts["evergreen/concerto_marcxml/bibs_fic.marcxml"] >= 2


AUDIOBOOK = [("007", "sd fsngnnmmned"), ("245", [("a", "Pride and prejudice"), ("h", "[sound recording] /")]),
             ("300", [("a", "11 sound discs (ca. 660 min.) :"), ("b", "digital ;")])]


def _built(*fields, leader="00000nam a2200000 a 4500"):
    from pymarc import Field, Indicators, Record, Subfield

    record = Record(leader=leader, force_utf8=True)
    record.add_field(Field("001", data="f1"))
    for tag, value in fields:
        if isinstance(value, str):
            record.add_field(Field(tag, data=value))
        else:
            record.add_field(Field(tag, Indicators("1", "0"), [Subfield(c, v) for c, v in value]))
    (result,) = list(read_records(io.BytesIO(record.as_marc()), "marc21"))
    return result.record


@pytest.mark.parametrize("fields", [AUDIOBOOK, AUDIOBOOK[:1] + [("245", [("a", "Emma")])], AUDIOBOOK[1:2],
                                    [("245", [("a", "Emma")]), AUDIOBOOK[2]],
                                    [("245", [("a", "Emma")]), ("337", [("a", "audio")])]])
def test_an_audiobook_coded_as_a_book_is_av_by_007_245h_300_or_337(fields):
    """Leader 'a' but 007 'sd', "[sound recording]", "sound discs" or RDA "audio": the format is av."""
    assert _built(*fields)["format"] == "av"


def test_a_book_with_an_accompanying_disc_stays_a_book():
    """ "96 p. + 1 sound disc" describes a book with a disc, not a recording."""
    assert _built(("245", [("a", "The art of comping")]), ("300", [("a", "96 p. + 1 sound disc")]))["format"] == "book"


def test_an_electronic_resource_journal_is_an_ejournal():
    """A serial whose 245 $h says "[electronic resource]" is an ejournal, not print."""
    record = _built(("245", [("a", "Dwell"), ("h", "[electronic resource].")]), leader="00000cas a2200000 a 4500")
    assert record["format"] == "ejournal"
    assert _built(("245", [("a", "Dwell")]), leader="00000cas a2200000 a 4500")["format"] == "journal"


def test_real_sound_recordings_coded_as_books_become_av(shared_data):
    """Jazz CDs in Evergreen's Unicorn set with leader 'a' and 300 "1 sound disc" are av."""
    by_title = {r.record["title"]: r.record for r in read(shared_data, "evergreen/datasets/jazz_1k.mrc") if r.ok}
    assert by_title["Hot house"]["format"] == "av" and by_title["Oliver Jones in Africa"]["format"] == "av"


def test_edition_comes_from_250(shared_data):
    """MARC 250 $a $b is the record's edition, without ISBD punctuation."""
    assert _built(("245", [("a", "Algorithms")]), ("250", [("a", "2nd ed. /"), ("b", "rev. by Li Ming.")]))["edition"] \
        == "2nd ed. / rev. by Li Ming"
    with open(shared_data / "marc/evergreen/concerto_marcxml/bibs_maps.marcxml", "rb") as fh:
        records = {r.record["local_id"]: r.record for r in read_records(fh, "marcxml") if r.ok}
    assert records["14933689"]["edition"] == "Shaded relief ed., limited revision 1970"


@pytest.mark.parametrize("raw", ["1530-5309 (print)", "1530-5309 (Online)", "ISSN 1530-5309", "1530-5309.",
                                 "1530-5309 [电子版]", "15305309"])
def test_an_issn_with_a_qualifier_keeps_its_number(raw):
    """A valid ISSN followed by a qualifier is kept as NNNN-NNNC."""
    assert normalise_issn(raw) == "1530-5309"


@pytest.mark.parametrize("raw", ["1530-5309 1234-5679", "1530-5308 (print)", "not an issn"])
def test_two_issns_or_a_bad_check_digit_are_still_refused(raw):
    """A second number is no qualifier, and a bad check digit stays bad."""
    from member_sites.record.errors import InvalidISSN

    with pytest.raises(InvalidISSN):
        normalise_issn(raw)


def test_a_real_qualified_issn_is_no_longer_dropped(shared_data):
    """NCSU's Dwell record writes its ISSN "1530-5309 (print)": the record keeps it."""
    (result,) = read(shared_data, "trln_marc-to-argot/ncsu_dwell.xml", "marcxml")
    assert result.record["issns"] == ["1530-5309"]
    assert not any("ISSN dropped" in p for p in result.problems)
