"""Published knowledge-base answers reach /feeds/answers.* through the real answers port."""
from datetime import timedelta

from consortium.reference import knowledge, liaison
from consortium.reference.questions import submit_question, withdraw_consent
from tests.consortium.reference.conftest import WEDNESDAY, ask_data
from tests.feeds.helpers import parse_feed, valid_in_every_format

T1 = WEDNESDAY + timedelta(hours=2)


def publish_one(session, liaisons, settings):
    text = "我是李四，电话 13812345678。请问红楼梦有哪些版本？"
    result = submit_question(session, ask_data(question=text, name="李四"), now=WEDNESDAY, settings=settings)
    liaison.claim(session, result["id"], liaisons["A"], now=WEDNESDAY + timedelta(hours=1), settings=settings)
    liaison.answer(session, result["id"], liaisons["A"], "<p>主要有程甲本、程乙本。</p>", now=T1, settings=settings)
    entry = knowledge.publish(session, result["id"], liaisons["A"], title="红楼梦的版本",
                              question_text="红楼梦有哪些版本？", answer_md="程甲本、程乙本", now=T1)
    return result, entry


def test_a_published_answer_appears_in_every_answers_feed_format(client, session, profiles, books, liaisons, settings):
    """Valid Atom, RSS and JSON Feed with one stable entry linking to the public answer page."""
    _result, entry = publish_one(session, liaisons, settings)
    feeds = valid_in_every_format(client, "/feeds/answers")
    (atom_entry,) = feeds["atom"].entries
    assert atom_entry.title == "红楼梦的版本"
    assert atom_entry.link.endswith(f"/answers/{entry.id}")
    assert "程甲本" in atom_entry.content[0].value and "13812345678" not in atom_entry.content[0].value
    assert [i["title"] for i in feeds["json"]["items"]] == ["红楼梦的版本"]
    again = parse_feed(client.get("/feeds/answers.atom").data).entries[0]
    assert again.id == atom_entry.id
    assert parse_feed(client.get("/feeds/answers.atom?member=B").data).entries == []


def test_withdrawing_consent_takes_the_answer_out_of_the_feed(client, session, profiles, books, liaisons, settings):
    result, _entry = publish_one(session, liaisons, settings)
    assert len(parse_feed(client.get("/feeds/answers.atom").data).entries) == 1
    assert withdraw_consent(session, result["status_url"].rsplit("/", 1)[1], now=T1) is True
    feeds = valid_in_every_format(client, "/feeds/answers")
    assert feeds["atom"].entries == []


def test_published_answers_show_beside_the_catalogue_in_reader_search(app, client, session, profiles, books,
                                                                       liaisons, settings):
    """A reader searching 红楼梦 sees the reference desk's published answer next to the works."""
    from consortium.search.operations import sync_index

    _result, entry = publish_one(session, liaisons, settings)
    sync_index(app)
    html = client.get("/search?q=红楼梦").get_data(as_text=True)
    assert "咨询台的相关解答" in html and f'href="/answers/{entry.id}"' in html
    assert "咨询台的相关解答" not in client.get("/search?q=建筑结构").get_data(as_text=True)
