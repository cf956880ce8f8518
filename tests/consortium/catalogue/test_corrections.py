"""Librarians' corrections on a real database: split, merge and review answers are kept by
later pushes, logged for the index and written to the audit trail."""
import pytest
from sqlmodel import select

from consortium.accounts.service import add_user
from consortium.catalogue.corrections import Actor, answer_review, merge_works, split_holding
from consortium.catalogue.errors import CorrectionRefused, NotYourWork, WorkNotLive
from consortium.catalogue.models import CatalogueDecision, ChangeLog, Holding, MatchReview, Work, WorkApart
from consortium.catalogue.review import list_reviews, staff_work
from consortium.catalogue.service import ingest_batch
from consortium.catalogue.works import get_work
from consortium.errors import WorkMerged

SURGERY = {"title": "Surgical anatomy and technique: a pocket manual", "format": "ebook",
           "isbns": ["9780387095141"], "publisher": "Springer", "url": "https://example.org/surgery"}
MATHS = {"title": "Spectral representations for Schrödinger operators with long-range potentials",
         "authors": ["Saitō, Yoshimi"], "year": 1979, "format": "ebook", "isbns": ["9780387095141"],
         "url": "https://example.org/maths"}
BOOK = {"title": "算法导论", "authors": ["Cormen, Thomas H."], "year": 2013, "isbns": ["9787111407010"]}


@pytest.fixture
def staff(session, members):
    """An admin, and a librarian of each member, as correction actors."""
    actors = {"admin": Actor(None, "admin@example.edu.cn", "consortium_admin")}
    for code, member in members.items():
        user = add_user(session, f"lib-{code.lower()}@example.edu.cn", "secret-pass-1", "librarian", member_code=code)
        actors[code] = Actor(user.id, user.email, "librarian", member.id)
    return actors


def push(session, member, local_id, **fields):
    return ingest_batch(session, member, [{"local_id": local_id, **fields}]).works[0]


def holding(session, member, local_id) -> Holding:
    session.expire_all()
    return session.exec(select(Holding).where(Holding.member_id == member.id, Holding.local_id == local_id)).one()


def test_a_reused_isbn_goes_to_review_and_a_keep_apart_answer_holds(session, members, staff, backend):
    """The maths book and the surgery manual share Springer's reused ISBN: two works, one review;
    "different works" keeps them apart for every later push of either record."""
    maths = push(session, members["A"], "a-maths", **MATHS)
    surgery = push(session, members["B"], "b-surgery", **SURGERY)
    assert surgery["work_id"] != maths["work_id"] and surgery["matched_by"] == "new"
    (review,) = list_reviews(session, staff["B"])["reviews"]
    assert review["reason"] == "title" and review["identifier"] == "isbn:9780387095141"
    assert {w["id"] for w in review["works"]} == {maths["work_id"], surgery["work_id"]}
    answer_review(session, staff["B"], review["id"], "apart", "A reused ISBN: a maths book and a surgery manual")
    assert list_reviews(session, staff["B"])["total"] == 0
    again = push(session, members["C"], "c-surgery", **SURGERY)
    assert again["work_id"] == surgery["work_id"]
    assert push(session, members["C"], "c-maths", **MATHS)["work_id"] == maths["work_id"]
    assert session.exec(select(WorkApart)).one().decision_id is not None


def test_answering_a_review_merge_makes_one_work_and_redirects_the_other(session, members, staff, backend):
    maths = push(session, members["A"], "a-maths", **MATHS)["work_id"]
    surgery = push(session, members["B"], "b-surgery", **SURGERY)["work_id"]
    review_id = list_reviews(session, staff["admin"])["reviews"][0]["id"]
    result = answer_review(session, staff["admin"], review_id, "merge", "Japanese and English title of one book")
    assert result["status"] == "merged" and result["work_id"] == min(maths, surgery)
    with pytest.raises(WorkMerged):
        get_work(session, max(maths, surgery))
    assert session.get(MatchReview, review_id).status == "merged"


def test_a_split_holding_is_not_merged_back_by_the_next_push(session, members, staff, backend):
    work_id = push(session, members["A"], "a-1", **BOOK)["work_id"]
    push(session, members["B"], "b-1", **BOOK)
    b_holding = holding(session, members["B"], "b-1")
    result = split_holding(session, staff["B"], b_holding.id, "Our copy is the 2nd printing with a new preface")
    new_id = result["work_id"]
    assert new_id != work_id and holding(session, members["B"], "b-1").work_id == new_id
    # the next push of the same record (changed: one copy fewer on the shelf) keeps the split
    assert push(session, members["B"], "b-1", **BOOK, available=0)["work_id"] == new_id
    # and another member's record of the same ISBN joins one of them without merging the two
    third = push(session, members["C"], "c-1", **BOOK)["work_id"]
    assert third in (work_id, new_id)
    session.expire_all()
    assert session.get(Work, work_id).merged_into_id is None and session.get(Work, new_id).merged_into_id is None
    assert holding(session, members["B"], "b-1").matched_by == "split"


def test_a_manual_merge_is_not_undone_by_a_later_push(session, members, staff, backend):
    """The librarian merges the maths book into the surgery work's pair; re-pushing the record
    (which alone would not join) keeps it on the merged work."""
    maths = push(session, members["A"], "a-maths", **MATHS)["work_id"]
    surgery = push(session, members["B"], "b-surgery", **SURGERY)["work_id"]
    merge_works(session, staff["A"], maths, surgery, "Same Springer ISBN, one product")
    assert push(session, members["B"], "b-surgery", **SURGERY, coverage="2009-")["work_id"] == maths
    assert holding(session, members["B"], "b-surgery").matched_by == "merge"
    assert len(get_work(session, maths)["holdings"]) == 2


def test_each_correction_is_logged_for_the_index_and_in_the_audit_trail(session, members, staff, backend):
    work_id = push(session, members["A"], "a-1", **BOOK)["work_id"]
    push(session, members["B"], "b-1", **BOOK)
    before = session.exec(select(ChangeLog.id)).all()
    new_id = split_holding(session, staff["admin"], holding(session, members["B"], "b-1").id, "wrong match")["work_id"]
    merge_works(session, staff["A"], work_id, new_id, "it was right after all")
    logged = {(r.entity_id, r.action) for r in session.exec(select(ChangeLog).where(ChangeLog.id.not_in(before)))}
    assert {(work_id, "upsert"), (new_id, "upsert"), (new_id, "merge")} <= logged
    trail = staff_work(session, staff["A"], work_id)["decisions"]
    assert [(d["action"], d["reason"]) for d in trail] == [("merge", "it was right after all"),
                                                           ("split", "wrong match")]
    assert trail[0]["actor"] == "lib-a@example.edu.cn" and trail[1]["holding"] == {"member": "B", "local_id": "b-1"}
    # the public work shows how each holding got there, with the reason
    placed = {h["local_id"]: h for h in get_work(session, work_id)["holdings"]}
    assert placed["b-1"]["matched_by"] == "merge" and placed["b-1"]["decision"]["reason"] == "it was right after all"


def test_librarians_correct_only_works_their_member_holds(session, members, staff):
    work_id = push(session, members["A"], "a-1", **BOOK)["work_id"]
    push(session, members["B"], "b-1", **BOOK)
    with pytest.raises(NotYourWork):
        split_holding(session, staff["C"], holding(session, members["B"], "b-1").id, "not mine")
    other = push(session, members["A"], "a-2", title="史记", authors=["司马迁"], year=1959)["work_id"]
    with pytest.raises(NotYourWork):
        merge_works(session, staff["C"], work_id, other, "not mine either")
    assert not staff_work(session, staff["C"], work_id)["may_correct"]
    assert staff_work(session, staff["B"], work_id)["may_correct"]
    assert list_reviews(session, staff["C"])["total"] == 0


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 2001])
def test_a_correction_needs_a_reason(session, members, staff, reason):
    push(session, members["A"], "a-1", **BOOK)
    push(session, members["B"], "b-1", **BOOK)
    with pytest.raises(CorrectionRefused):
        split_holding(session, staff["admin"], holding(session, members["B"], "b-1").id, reason)
    assert session.exec(select(CatalogueDecision)).first() is None


def test_refused_corrections_change_nothing(session, members, staff):
    work_id = push(session, members["A"], "a-1", **BOOK)["work_id"]
    ebook = push(session, members["B"], "b-1", **BOOK, format="ebook", url="https://example.org/e")["work_id"]
    with pytest.raises(CorrectionRefused):  # print and electronic stay separate works
        merge_works(session, staff["admin"], work_id, ebook, "same title")
    with pytest.raises(CorrectionRefused):  # nothing to split an only holding from
        split_holding(session, staff["admin"], holding(session, members["A"], "a-1").id, "alone")
    with pytest.raises(CorrectionRefused):
        merge_works(session, staff["admin"], work_id, work_id, "itself")
    other = push(session, members["C"], "c-1", title="史记", authors=["司马迁"], year=1959)["work_id"]
    merge_works(session, staff["admin"], work_id, other, "test")
    with pytest.raises(WorkNotLive):  # merged away since the page was shown
        merge_works(session, staff["admin"], other, work_id, "again")
    assert len(session.exec(select(CatalogueDecision)).all()) == 1
