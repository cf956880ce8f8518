"""The staff pages and JSON of matching corrections: both languages, CSRF, who may act, bad
input answered 4xx (or explained on the page) with nothing changed; and the reader's record
page and work API showing how each holding was matched and the other editions."""
import re

import pytest
from sqlmodel import select

from consortium.accounts.service import add_user
from consortium.catalogue.models import CatalogueDecision, Holding, MatchReview
from consortium.catalogue.service import ingest_batch
from tests.staff import csrf_token, login

MATHS = {"local_id": "a-maths", "title": "Spectral representations for Schrödinger operators",
         "authors": ["Saitō, Yoshimi"], "year": 1979, "format": "ebook", "isbns": ["9780387095141"],
         "url": "https://example.org/maths"}
SURGERY = {"local_id": "b-surgery", "title": "Surgical anatomy and technique: a pocket manual", "format": "ebook",
           "isbns": ["9780387095141"], "url": "https://example.org/surgery"}
NORTON = {"title": "Pride and prejudice", "authors": ["Austen, Jane"], "publisher": "W.W. Norton"}


@pytest.fixture
def catalogue(session, members):
    """A review (reused ISBN), a book held by A and B, and two Norton editions held by A."""
    for email, role, code in (("admin@x.cn", "consortium_admin", None), ("lib-a@x.cn", "librarian", "A"),
                              ("lib-b@x.cn", "librarian", "B"), ("lib-c@x.cn", "librarian", "C"),
                              ("liaison-a@x.cn", "liaison", "A")):
        add_user(session, email, "staff-pass-1", role, code)
    maths = ingest_batch(session, members["A"], [MATHS]).works[0]["work_id"]
    surgery = ingest_batch(session, members["B"], [SURGERY]).works[0]["work_id"]
    book = {"title": "算法导论", "authors": ["Cormen"], "year": 2013, "isbns": ["9787111407010"]}
    shared = ingest_batch(session, members["A"], [{"local_id": "a-1", **book}]).works[0]["work_id"]
    ingest_batch(session, members["B"], [{"local_id": "b-1", **book}])
    second = ingest_batch(session, members["A"], [{"local_id": "a-n2", **NORTON, "year": 1993, "edition": "2nd ed.",
                                                   "isbns": ["9780393962949"]}]).works[0]["work_id"]
    third = ingest_batch(session, members["A"], [{"local_id": "a-n3", **NORTON, "year": 2001, "edition": "3rd ed.",
                                                  "isbns": ["9780393976045"]}]).works[0]["work_id"]
    review = session.exec(select(MatchReview)).one()
    return {"maths": maths, "surgery": surgery, "shared": shared, "second": second, "third": third,
            "review": review.id}


def as_staff(client, email):
    assert login(client, email, "staff-pass-1").status_code == 302
    return client


def holding_id(session, local_id):
    session.expire_all()
    return session.exec(select(Holding).where(Holding.local_id == local_id)).one().id


def test_a_librarian_answers_a_review_on_the_page_in_chinese(client, catalogue, session):
    as_staff(client, "lib-b@x.cn")
    page = client.get("/staff/catalogue/reviews").get_data(as_text=True)
    assert "匹配复核" in page and "Surgical anatomy" in page and "Spectral representations" in page
    assert "二者共用标识号，但题名毫无共同之处。" in page and "ISBN 9780387095141" in page
    token = csrf_token(client, "/staff/catalogue/reviews")
    answered = client.post(f"/staff/catalogue/reviews/{catalogue['review']}",
                           data={"answer": "apart", "reason": "一本数学书，一本外科手册", "csrf_token": token})
    assert answered.status_code == 303
    after = client.get(answered.headers["Location"]).get_data(as_text=True)
    assert "已完成" in after and "没有待复核的匹配。" in after
    assert session.get(MatchReview, catalogue["review"]).status == "apart"


def test_the_pages_read_in_english_too(client, catalogue):
    as_staff(client, "lib-a@x.cn")
    page = client.get("/staff/catalogue/reviews?lang=en").get_data(as_text=True)
    assert "Match review" in page and "One work: merge" in page and "Different works: keep apart" in page
    work = client.get(f"/staff/catalogue/works/{catalogue['shared']}?lang=en").get_data(as_text=True)
    assert "Correct matching" in work and "Split into a new work" in work and "shared ISBN" in work
    assert 'class="table-wrap"' in work


def test_a_refused_answer_is_explained_and_changes_nothing(client, catalogue, session):
    as_staff(client, "lib-b@x.cn")
    token = csrf_token(client, "/staff/catalogue/reviews")
    response = client.post(f"/staff/catalogue/reviews/{catalogue['review']}",
                           data={"answer": "merge", "reason": "   ", "csrf_token": token}, follow_redirects=True)
    assert response.status_code == 200 and "请说明原因" in response.get_data(as_text=True)
    assert session.get(MatchReview, catalogue["review"]).status == "open"
    no_token = client.post(f"/staff/catalogue/reviews/{catalogue['review']}", data={"answer": "merge", "reason": "x"})
    assert no_token.status_code == 400
    assert session.exec(select(CatalogueDecision)).first() is None


def test_a_split_on_the_work_page_opens_the_new_work_and_the_record_page_says_why(client, catalogue, session):
    as_staff(client, "lib-b@x.cn")
    token = csrf_token(client, f"/staff/catalogue/works/{catalogue['shared']}")
    split = client.post(f"/staff/catalogue/holdings/{holding_id(session, 'b-1')}/split",
                        data={"reason": "我馆此册为影印本", "work_id": catalogue["shared"], "csrf_token": token})
    assert split.status_code == 303
    new_id = int(re.search(r"/works/(\d+)$", split.headers["Location"]).group(1))
    assert new_id != catalogue["shared"]
    staff_page = client.get(split.headers["Location"]).get_data(as_text=True)
    assert "馆员拆分" in staff_page and "我馆此册为影印本" in staff_page
    record = client.get(f"/works/{new_id}").get_data(as_text=True)
    assert '<details class="matched-by">' in record and "匹配依据" in record
    assert "馆员拆分 — 我馆此册为影印本" in record
    english = client.get(f"/works/{catalogue['shared']}?lang=en").get_data(as_text=True)
    assert "Matched by" in english and "(a-1): no match: a new work" in english


def test_merge_on_the_page_needs_a_work_number(client, catalogue, session):
    as_staff(client, "lib-a@x.cn")
    token = csrf_token(client, f"/staff/catalogue/works/{catalogue['shared']}")
    bad = client.post(f"/staff/catalogue/works/{catalogue['shared']}/merge",
                      data={"work_id": "abc", "reason": "dup", "csrf_token": token}, follow_redirects=True)
    assert "请填写要并入本作品的作品编号。" in bad.get_data(as_text=True)
    other = client.post(f"/staff/catalogue/works/{catalogue['shared']}/merge",
                        data={"work_id": str(catalogue["maths"]), "reason": "dup", "csrf_token": token},
                        follow_redirects=True)
    assert "印刷版、电子版和音像版始终是不同的作品。" in other.get_data(as_text=True)
    assert session.exec(select(CatalogueDecision)).first() is None


def test_only_librarians_of_a_holding_member_and_admins_correct(client, catalogue, session):
    assert client.get("/staff/catalogue/reviews").status_code == 302  # to the login page
    as_staff(client, "liaison-a@x.cn")
    assert client.get("/staff/catalogue/reviews").status_code == 403
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/questions")})
    as_staff(client, "lib-c@x.cn")
    page = client.get(f"/staff/catalogue/works/{catalogue['shared']}").get_data(as_text=True)
    assert "本馆未收藏此作品" in page and "拆分为新作品" not in page
    token = csrf_token(client, "/staff/catalogue/reviews")
    refused = client.post(f"/staff/catalogue/holdings/{holding_id(session, 'b-1')}/split",
                          data={"reason": "not ours", "csrf_token": token})
    assert refused.status_code == 403 and "馆员只能纠正本馆收藏的作品。" in refused.get_data(as_text=True)
    missing = client.get("/staff/catalogue/works/999999")
    assert missing.status_code == 404 and "没有这个作品。" in missing.get_data(as_text=True)
    assert session.exec(select(CatalogueDecision)).first() is None


def test_the_record_page_and_work_api_list_other_editions(client, catalogue):
    page = client.get(f"/works/{catalogue['second']}").get_data(as_text=True)
    assert "其他版本" in page and f"/works/{catalogue['third']}" in page and "3rd ed." in page
    body = client.get(f"/api/v1/works/{catalogue['second']}").get_json()
    assert body["edition"] == "2nd ed."
    assert [e["id"] for e in body["other_editions"]] == [catalogue["third"]]
    assert body["holdings"][0]["matched_by"] == "new" and body["holdings"][0]["decision"] is None
    assert client.get(f"/api/v1/works/{catalogue['shared']}").get_json()["other_editions"] == []


def api(client, method, path, token=None, **kwargs):
    headers = {"X-CSRFToken": token} if token else {}
    return getattr(client, method)(f"/api/v1/staff/catalogue{path}", headers=headers, **kwargs)


def test_the_staff_json_answers_scripts(client, catalogue, session):
    assert api(client, "get", "/reviews").status_code == 401
    as_staff(client, "lib-a@x.cn")
    queue = api(client, "get", "/reviews").get_json()
    assert queue["total"] == 1 and queue["reviews"][0]["identifier"] == "isbn:9780387095141"
    token = api(client, "get", "/csrf").get_json()["csrf_token"]
    assert api(client, "post", f"/reviews/{catalogue['review']}", json={"answer": "merge", "reason": "x"}).status_code == 403
    assert api(client, "post", f"/reviews/{catalogue['review']}", token, json={"answer": "maybe", "reason": "x"}
               ).status_code == 422
    assert api(client, "post", f"/reviews/{catalogue['review']}", token, json={"answer": "merge"}).status_code == 422
    assert api(client, "post", f"/reviews/{catalogue['review']}", token, data="{not json",
               content_type="application/json").status_code == 400
    done = api(client, "post", f"/reviews/{catalogue['review']}", token,
               json={"answer": "merge", "reason": "Japanese and English records of one Springer title"})
    assert done.status_code == 200 and done.get_json()["status"] == "merged"
    work = api(client, "get", f"/works/{min(catalogue['maths'], catalogue['surgery'])}").get_json()
    assert {h["local_id"] for h in work["holdings"]} == {"a-maths", "b-surgery"} and work["may_correct"]
    assert work["decisions"][0]["reason"] == "Japanese and English records of one Springer title"
    split = api(client, "post", f"/holdings/{holding_id(session, 'b-1')}/split", token, json={"reason": "print run"})
    assert split.status_code == 200 and split.get_json()["from_work_id"] == catalogue["shared"]
    merged = api(client, "post", f"/works/{catalogue['shared']}/merge", token,
                 json={"work_id": split.get_json()["work_id"], "reason": "the same after all"})
    assert merged.status_code == 200
    assert api(client, "post", "/works/3000000000/merge", token, json={"work_id": 1, "reason": "x"}).status_code == 404
    assert api(client, "post", f"/works/{catalogue['shared']}/merge", token,
               json={"work_id": 3000000000, "reason": "x"}).status_code == 422
    assert api(client, "get", "/works/999999").status_code == 404
