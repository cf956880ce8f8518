"""Answers are Markdown: formatted (never asterisks) on the reader's status page, in both parts
of the e-mail, in the knowledge base and its feeds; cited works are picked, not typed; the
knowledge-base review edits Markdown; the answer form keeps its draft without JavaScript."""
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from consortium.catalogue.models import Work
from consortium.mail.message import build_message
from consortium.mail.models import OutboxMail
from consortium.reference import knowledge, liaison
from consortium.reference.models import QuestionMessage
from consortium.reference.questions import submit_question
from tests.consortium.reference.conftest import WEDNESDAY, ask_data
from tests.feeds.helpers import check_json_feed
from tests.staff import csrf_token, login

T1 = WEDNESDAY + timedelta(hours=1)
ANSWER = ("**《红楼梦》**的主要版本：\n\n- 程甲本\n- 程乙本\n\n详见[本馆古籍部](https://lib.a.example.cn/guji)。\n"
          "第二行紧接着第一行")


@pytest.fixture
def question(session, profiles, books, liaisons, settings):
    result = submit_question(session, ask_data(question="红楼梦有哪些版本？"), now=WEDNESDAY, settings=settings)
    liaison.claim(session, result["id"], liaisons["A"], now=T1, settings=settings)
    return result


@pytest.fixture
def novel(session):
    return session.exec(select(Work).where(Work.title == "红楼梦")).one()


def test_a_markdown_answer_is_stored_with_its_html_and_mailed_formatted(session, question, novel, liaisons, settings):
    """The reader's mail: HTML part formatted with absolute links; text part with bullets and URLs, no asterisks."""
    liaison.answer(session, question["id"], liaisons["A"], ANSWER, now=T1, settings=settings, cited_work_ids=[novel.id])
    message = session.exec(select(QuestionMessage).where(QuestionMessage.kind == "answer")).one()
    assert message.body_md == ANSWER.strip()
    assert "<strong>《红楼梦》</strong>" in message.body_html and "<li>程甲本</li>" in message.body_html
    assert "第一行<br>" not in message.body_html and "古籍部</a>。<br>" in message.body_html  # lines kept
    assert f'<a href="/works/{novel.id}"' in message.body_html and "曹雪芹" in message.body_html
    row = session.exec(select(OutboxMail).where(OutboxMail.kind == "reference.answered")).one()
    mail = build_message(row, "导读 <noreply@daodu.invalid>")
    html_part = mail.get_body(("html",)).get_content()
    text_part = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "<strong>《红楼梦》</strong>" in html_part and f'href="http://daodu.test/works/{novel.id}"' in html_part
    assert "**" not in text_part and "- 程甲本\n- 程乙本" in text_part
    assert "本馆古籍部 <https://lib.a.example.cn/guji>" in text_part
    assert f"红楼梦 <http://daodu.test/works/{novel.id}>" in text_part


def test_the_reader_sees_the_answer_formatted_on_the_status_page(client, session, question, novel, liaisons, settings):
    """Bold, a list and the cited work's link; no Markdown marks reach the reader."""
    liaison.answer(session, question["id"], liaisons["A"], ANSWER, now=T1, settings=settings, cited_work_ids=[novel.id])
    page = client.get("/" + question["status_url"].split("/", 3)[3]).get_data(as_text=True)
    conversation = page[page.index('class="conversation"'):]
    assert "<strong>《红楼梦》</strong>" in conversation and "<li>程乙本</li>" in conversation
    assert "**" not in conversation and f'href="/works/{novel.id}"' in conversation


def test_the_review_edits_markdown_and_the_knowledge_base_and_feeds_show_it_formatted(
        client, session, question, novel, liaisons, settings):
    """The review offers the redacted Markdown with the cited work as a link; the entry and its feed are HTML."""
    liaison.answer(session, question["id"], liaisons["A"], "张三同学：" + ANSWER, now=T1, settings=settings,
                   cited_work_ids=[novel.id])
    preview = knowledge.preview(session, question["id"], liaisons["A"])
    assert "**《红楼梦》**" in preview["answer_md"] and f"- [红楼梦](/works/{novel.id})" in preview["answer_md"]
    assert "张三" not in preview["answer_md"] and "<strong>" in preview["answer_html"]
    entry = knowledge.publish(session, question["id"], liaisons["A"], title="红楼梦的版本",
                              question_text=preview["question_text"], answer_md=preview["answer_md"] + "\n\n*补充*",
                              now=T1)
    assert entry.answer_md.endswith("*补充*") and "<em>补充</em>" in entry.answer_html
    page = client.get(f"/answers/{entry.id}").get_data(as_text=True)
    assert "<strong>《红楼梦》</strong>" in page and "**" not in page
    item = check_json_feed(client.get("/feeds/answers.json").data)["items"][0]
    assert "<strong>《红楼梦》</strong>" in item["content_html"] and "**" not in item["content_html"]
    again = knowledge.preview(session, question["id"], liaisons["A"])
    assert again["answer_md"].endswith("*补充*") and again["title"] == "红楼梦的版本"


def test_clarifications_and_notes_are_markdown_too(session, question, liaisons, settings):
    """A clarification request reaches the reader without asterisks; a note is rendered for colleagues."""
    liaison.ask_clarification(session, question["id"], liaisons["A"], "请问您需要**哪一种**版本？", now=T1,
                              settings=settings)
    liaison.add_note(session, question["id"], liaisons["A"], "- 已查*古籍部*", now=T1)
    rows = {m.kind: m for m in session.exec(select(QuestionMessage)).all()}
    assert "<strong>哪一种</strong>" in rows["clarification"].body_html and "<em>古籍部</em>" in rows["note"].body_html
    mail = session.exec(select(OutboxMail).where(OutboxMail.kind == "reference.clarification")).one()
    assert "哪一种" in mail.text_body and "**" not in mail.text_body


def test_cited_works_must_be_picked_works(session, question, liaisons, settings):
    """Text, huge numbers and unknown ids are refused with a field error, never a database error."""
    for bad in (["三体"], ["99999999999"], ["99999"]):
        with pytest.raises(Exception) as caught:
            liaison.answer(session, question["id"], liaisons["A"], "见此书", now=T1, settings=settings,
                           cited_work_ids=bad)
        assert getattr(caught.value, "errors", {}).get("cited_work_ids"), bad


def _liaison_page_session(client, question):
    login(client, "liaison@a.example", "liaison-pass-A")
    return csrf_token(client, f"/staff/questions/{question['id']}")


def test_the_answer_form_searches_previews_and_cites_without_javascript(client, question, novel):
    """Search and preview post the draft to compose: the page comes back with it, the results and the preview."""
    token = _liaison_page_session(client, question)
    qid = question["id"]
    searched = client.post(f"/staff/questions/{qid}/compose", data={
        "csrf_token": token, "body": ANSWER, "pick": "红楼梦", "compose": "search"}).get_data(as_text=True)
    assert "程甲本" in searched[searched.index('id="answer-body"'):]  # the draft is still in the box
    assert f'name="cited_work_ids" value="{novel.id}"' in searched and "曹雪芹" in searched
    previewed = client.post(f"/staff/questions/{qid}/compose", data={
        "csrf_token": token, "body": ANSWER, "cited_work_ids": str(novel.id), "compose": "preview"}).get_data(as_text=True)
    preview = previewed[previewed.index('id="answer-body-preview"'):]
    assert "<strong>《红楼梦》</strong>" in preview[:preview.index("</section>")]
    assert re.search(rf'value="{novel.id}" checked', previewed)  # the chosen work stays chosen
    sent = client.post(f"/staff/questions/{qid}/answer", data={"csrf_token": token, "body": ANSWER,
                                                                "cited_work_ids": [str(novel.id)]})
    assert sent.status_code == 302
    page = client.get(f"/staff/questions/{qid}").get_data(as_text=True)
    assert f'<a href="/works/{novel.id}"' in page and "<li>程甲本</li>" in page


def test_the_picker_fragment_lists_citable_works(client, question, novel):
    """The page's script asks for ?pick=…&fragment=picker: the results alone, each with a checkbox."""
    _liaison_page_session(client, question)
    response = client.get(f"/staff/questions/{question['id']}?pick=红楼梦&fragment=picker")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert f'name="cited_work_ids" value="{novel.id}"' in html and "A" in html
    assert client.get(f"/staff/questions/{question['id']}?pick=没有这样的书&fragment=picker").status_code == 200


def test_the_review_page_previews_edited_markdown_before_publishing(client, session, question, liaisons, settings):
    """The review form posted for a preview shows the edited text rendered, and publishes nothing."""
    liaison.answer(session, question["id"], liaisons["A"], ANSWER, now=T1, settings=settings)
    token = _liaison_page_session(client, question)
    qid = question["id"]
    review = client.get(f"/staff/questions/{qid}/publish").get_data(as_text=True)
    assert "**《红楼梦》**" in review and "<strong>《红楼梦》</strong>" in review  # Markdown and its preview
    previewed = client.post(f"/staff/questions/{qid}/publish/preview", data={
        "csrf_token": token, "title": "版本", "question_text": "问", "answer_md": "## 小标题\n\n_改过_"})
    assert "<em>改过</em>" in previewed.get_data(as_text=True)
    assert client.get("/answers").get_data(as_text=True).count("/answers/") == 0
