"""Issue #14's wrong merges, on the real records that showed them (../shared/data, read by
``member_sites``' readers as members export them): each stays apart or goes to review, while
the variants of one title still join."""
import gzip
import io
from collections import defaultdict

import pymarc
import pytest
from sqlmodel import select

from consortium.catalogue.models import Holding, MatchReview, Work
from consortium.catalogue.service import ingest_batch
from consortium.catalogue.works import get_work
from member_sites.readers import read_records

MIKU = "kbart/miku_span/kbart.txt.gz"
ASKEWS = "kbart/gokb/ebooks_askews_KB_20160118220355.csv"
EVERGREEN_880 = "marc/evergreen/concerto_marcxml/bibs_graphic_880.marcxml"
PRIDE = "marc/marc4j/test_resources/pride-and-prejudice-fixed.mrc"
AUDIOBOOK = "marc/trln_marc-to-argot/ncsu_audiobook.xml"


def kbart_rows(shared_data, path: str, *titles: str) -> list[dict]:
    """The records of the KBART rows whose title starts with one of ``titles`` (the file's
    header kept, so the reader reads them as in the whole file)."""
    data = (shared_data / path).read_bytes()
    text = (gzip.decompress(data) if path.endswith(".gz") else data).decode("utf-8")
    header, *lines = text.splitlines()
    chosen = [line for line in lines if line.strip('"').startswith(titles)]
    stream = io.BytesIO("\n".join([header, *chosen]).encode("utf-8"))
    return [r.record for r in read_records(stream, "kbart") if r.record]


def marc_records(shared_data, path: str, fmt: str) -> list[dict]:
    """Every record of a MARC file, with the edition statement (MARC 250 $a) where the reader
    does not map it yet."""
    with open(shared_data / path, "rb") as stream:
        records = [r.record for r in read_records(stream, fmt)]
    if fmt == "marc21":
        with open(shared_data / path, "rb") as stream:
            raw = list(pymarc.MARCReader(stream, to_unicode=True, force_utf8=True, permissive=True))
        for record, marc in zip(records, raw):
            if record is not None and marc is not None and not record.get("edition"):
                record["edition"] = " ".join(f["a"] for f in marc.get_fields("250") if f["a"]) or None
    return [r for r in records if r is not None]


def push_as(session, member, records, prefix=""):
    """Push records in batches; returns {local_id: work_id}."""
    placed = {}
    for start in range(0, len(records), 500):
        batch = [{**r, "local_id": prefix + r["local_id"]} for r in records[start:start + 500]]
        result = ingest_batch(session, member, batch)
        assert not result.rejected
        placed.update({ref["local_id"]: ref["work_id"] for ref in result.works})
    return placed


def live_works_of(session, member_ids) -> dict[int, list[dict]]:
    """Live works → the records of their holdings."""
    session.expire_all()
    works = defaultdict(list)
    rows = session.exec(select(Holding, Work).join(Work, Work.id == Holding.work_id)
                        .where(Holding.member_id.in_(member_ids))).all()
    for holding, work in rows:
        assert work.merged_into_id is None
        works[work.id].append(holding.record)
    return works


def test_oasis_the_2004_e_journal_and_the_1837_periodical_stay_apart(session, members, shared_data):
    """Neither row has an author or a year: a title alone joins nothing (the e-journal's two
    holders still meet on its ISSN). The periodical's two coverage rows (one title id) are
    read as one record."""
    rows = kbart_rows(shared_data, MIKU, "Oasis (via EBSCO Host)")
    assert sorted(tuple(r.get("issns") or ()) for r in rows) == [(), ("1064-6299",)]
    a = push_as(session, members["A"], rows)
    b = push_as(session, members["B"], rows)
    for records in live_works_of(session, [members["A"].id, members["B"].id]).values():
        assert len({tuple(r["issns"]) for r in records}) == 1  # never the ISSN row with an ISSN-less one
    ejournal = next(r["local_id"] for r in rows if r.get("issns"))
    assert a[ejournal] == b[ejournal]


def test_journal_sections_under_the_parent_issn_are_one_work_each(session, members, shared_data):
    """The provider gives JGR's seven sections the parent's ISSNs 0148-0227 / 2156-2202."""
    rows = kbart_rows(shared_data, MIKU, "Journal of Geophysical Research JGR /")
    push_as(session, members["A"], rows)
    push_as(session, members["B"], rows)
    works = live_works_of(session, [members["A"].id, members["B"].id])
    assert len(works) == 7
    assert all(len({r["title"] for r in records}) == 1 for records in works.values())


def test_country_reports_of_a_series_are_not_one_work(session, members, shared_data):
    rows = kbart_rows(shared_data, MIKU, "OECD Economic Surveys")
    push_as(session, members["A"], rows)
    works = live_works_of(session, [members["A"].id])
    titles = {r["title"].strip() for r in rows}
    assert len(works) == len(titles) >= 30
    assert all(len({r["title"].strip() for r in records}) == 1 for records in works.values())


@pytest.mark.parametrize("first, second", [
    # a provider row listing the Literary Gazette's ISSN beside the Literary Examiner's
    ("Literary Examiner : Consisting", "Literary Gazette : A Weekly"),
    # a title change: the successor's row names its former title and keeps its ISSN
    ("Journal of Mass Media Ethics", "Journal of Media Ethics (Formerly"),
    # the same title under different ISSNs
    ("Management (via EBSCO Host)\t1174", "Management (via EBSCO Host)\t1854"),
])
def test_serials_under_one_issn_or_title_are_not_merged(session, members, shared_data, first, second):
    one = kbart_rows(shared_data, MIKU, first)
    two = kbart_rows(shared_data, MIKU, second)
    assert one and two
    a = push_as(session, members["A"], one)
    b = push_as(session, members["B"], two)
    assert set(a.values()).isdisjoint(b.values())


def test_spellings_of_one_journal_title_still_join(session, members, shared_data):
    """"Journal of Medicine and Philosophy, The" and "… (via EBSCO Host)" are one journal."""
    rows = kbart_rows(shared_data, MIKU, "Journal of Medicine and Philosophy")
    assert len(rows) == 2
    a = push_as(session, members["A"], rows[:1])
    b = push_as(session, members["B"], rows[1:])
    assert set(a.values()) == set(b.values())
    assert ingest_batch(session, members["C"], [{**rows[1], "local_id": "c-1"}]).works[0]["matched_by"] == "issn"


def douban(shared_data, *subject_ids: str) -> list[dict]:
    """Douban's rows of these books as a member's CSV export would carry them (no ISBNs)."""
    import csv

    wanted, records = set(subject_ids), {}
    with open(shared_data / "chinese_books" / "douban30000" / "douban_tag_lists.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["douban_subject_id"] in wanted and row["douban_subject_id"] not in records:
                author = row["author_guess"].split("]")[-1].strip()
                records[row["douban_subject_id"]] = {
                    "local_id": f"db-{row['douban_subject_id']}", "title": row["title"], "authors": [author],
                    "publisher": row["publisher_guess"], "year": int(row["pubdate_guess"][:4]), "format": "book"}
    return [records[i] for i in subject_ids]


def test_translations_from_other_publishers_stay_apart(session, members, shared_data):
    """呼啸山庄 (2006) in 杨苡's translation from 译林 and 方平's from 上海译文; 人间失格 (2013)
    from 天津人民 and 陕西师范大学: same title, author and year, different editions."""
    yilin, yiwen, tianjin, shaanxi = douban(shared_data, "1033997", "1880829", "24226728", "25127404")
    a = push_as(session, members["A"], [yilin, tianjin])
    b = push_as(session, members["B"], [yiwen, shaanxi])
    assert set(a.values()).isdisjoint(b.values())
    same = push_as(session, members["C"], [yilin], prefix="c-")  # the same edition elsewhere joins
    assert list(same.values()) == [a["db-1033997"]]


def test_a_reused_isbn_is_listed_for_review_not_merged(session, members, shared_data):
    """Springer's ISBN 9780387095141: Saitō's 1979 "Spectral representations for Schrödinger
    operators" (Evergreen) and Askews' "Surgical anatomy and technique: a pocket manual"."""
    maths = [r for r in marc_records(shared_data, EVERGREEN_880, "marcxml") if "9780387095141" in (r.get("isbns") or [])]
    surgery = kbart_rows(shared_data, ASKEWS, "Surgical anatomy and technique")
    assert len(maths) == 1 and len(surgery) == 1
    a = push_as(session, members["A"], maths)
    b = push_as(session, members["B"], surgery)
    assert set(a.values()).isdisjoint(b.values())
    review = session.exec(select(MatchReview)).one()
    assert {review.work_low, review.work_high} == set(a.values()) | set(b.values())
    assert (review.reason, review.identifier, review.status) == ("title", "isbn:9780387095141", "open")


def test_editions_of_pride_and_prejudice_stay_apart_and_list_each_other(session, members, shared_data):
    """383 real editions, pushed by two members: no work holds two stated edition numbers, and
    the Norton Critical 2nd (1993) and 3rd (2001) editions list each other as other editions."""
    from consortium.catalogue.normalise import edition_number

    records = marc_records(shared_data, PRIDE, "marc21")
    half = len(records) // 2
    placed = push_as(session, members["A"], records[:half])
    placed.update(push_as(session, members["B"], records[half:]))
    for work_records in live_works_of(session, [members["A"].id, members["B"].id]).values():
        numbers = {edition_number(r.get("edition")) for r in work_records} - {None}
        assert len(numbers) <= 1, work_records
    second = placed["(Sirsi) AZI-7630"]
    third = placed["(Sirsi) BCI-8955"]
    assert second != third
    shown = get_work(session, second)
    assert shown["edition"] == "2nd ed."
    assert third in {e["id"] for e in shown["other_editions"]}
    assert second in {e["id"] for e in get_work(session, third)["other_editions"]}


def test_an_audiobook_coded_as_a_book_moves_when_its_format_is_corrected(session, members, shared_data):
    """NCSU's audiobook (leader i, 007 sd) pushed by two members as "book", then corrected
    to "av" by one: that holding moves to an audio-visual work; the other stays."""
    (audiobook,) = marc_records(shared_data, AUDIOBOOK, "marcxml")
    as_book = {**audiobook, "format": "book"}
    a = push_as(session, members["A"], [as_book])
    b = push_as(session, members["B"], [as_book])
    assert a == b
    corrected = push_as(session, members["A"], [{**audiobook, "format": "av"}])
    (print_work,) = b.values()
    (av_work,) = corrected.values()
    assert av_work != print_work
    assert [h["member"] for h in get_work(session, print_work)["holdings"]] == ["B"]
    assert get_work(session, av_work)["format"] == "av"
