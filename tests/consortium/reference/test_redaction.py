"""Redaction of personal data on exact examples."""
import pytest

from consortium.reference.pii_patterns import id_card_check_character, id_card_is_valid
from consortium.reference.redaction import redact, token_for

VALID_ID = "11010519491231002X"          # the standard example of GB 11643 (check character X)


def with_check(first17: str) -> str:
    return first17 + id_card_check_character(first17)


def kinds(result) -> list[str]:
    return [f.kind for f in result.found]


@pytest.mark.parametrize("phone", [
    "13812345678", "138 1234 5678", "138-1234-5678", "1381 234 5678", "+86 138 1234 5678", "+8613812345678",
    "(+86)13812345678", "0086 13812345678", "025-83592345", "(025) 8359 2345", "010-12345678 转 123",
    "0512 6523 1234", "+44 20 7946 0958", "+1 (415) 555-2671", "0049 30 1234567",
])
def test_phone_numbers_in_their_usual_forms_are_removed(phone):
    """Mainland mobiles with +86/spaces/hyphens, landlines with area codes and international numbers go."""
    result = redact(f"有事请打 {phone} 谢谢")
    assert result.text == "有事请打 [电话已隐去] 谢谢"
    assert kinds(result) == ["phone"] and result.found[0].original == phone


def test_an_introduced_phone_number_is_removed_even_in_an_unusual_form():
    """A number after 电话/phone is removed whatever its grouping."""
    assert redact("Phone: 8359 2345 please").text == "Phone: [phone removed] please"


@pytest.mark.parametrize("email", ["zhang.san@nju.edu.cn", "Li_Si+lib@example.COM", "a@b.co", "x-y@mail.163.com"])
def test_email_addresses_are_removed(email):
    """Addresses are found next to Chinese text without spaces."""
    result = redact(f"邮箱{email}，谢谢")
    assert result.text == "邮箱[邮箱已隐去]，谢谢" and result.found[0].original == email


def test_valid_id_card_numbers_are_removed_and_wrong_check_characters_stay():
    """An 18-digit number with the right check character is an ID; with a wrong one it stays."""
    assert id_card_is_valid(VALID_ID) and id_card_is_valid(VALID_ID.lower())
    assert redact(f"号码 {VALID_ID} 请查").text == "号码 [身份证号已隐去] 请查"
    assert redact(f"号码 {VALID_ID.lower()} 请查").text == "号码 [身份证号已隐去] 请查"
    wrong = VALID_ID[:17] + "1"
    assert redact(f"订单号 {wrong} 请查").text == f"订单号 {wrong} 请查"


def test_an_id_introduced_as_such_is_removed_even_with_a_wrong_check_character():
    """'身份证号：' or 'ID card no.' before 18 digits removes them whatever the checksum."""
    wrong = VALID_ID[:17] + "1"
    assert redact(f"身份证号：{wrong}").text == "身份证号：[身份证号已隐去]"
    assert redact(f"ID card no. {wrong}").text == "ID card no. [ID number removed]"


def test_old_fifteen_digit_ids_with_a_real_birth_date_are_removed():
    """A 15-digit number with a real 19YYMMDD birth date is an old ID; one with month 13 is not."""
    assert kinds(redact("110105491231002")) == ["id_card"]
    assert redact("110105491331002").text == "110105491331002"


def test_an_id_with_an_impossible_birth_date_is_not_an_id():
    """A correct checksum over 19491331 (no 13th month) is not taken for an ID."""
    fake = with_check("11010519491331002")
    assert redact(f"编号 {fake}").text == f"编号 {fake}"


@pytest.mark.parametrize("text, number", [
    ("我的学号是2021123456，想借书", "2021123456"),
    ("学号：20211234", "20211234"),
    ("工号 123456789012", "123456789012"),
    ("借书证号: 31800012345", "31800012345"),
    ("My student ID is 20211234.", "20211234"),
    ("student number: 1234567890", "1234567890"),
])
def test_introduced_student_and_staff_numbers_are_removed(text, number):
    """8–12 digits after 学号/工号/借书证号/student ID are removed."""
    result = redact(text)
    assert number not in result.text and kinds(result) == ["student_number"]


def test_numbers_too_short_or_too_long_for_a_student_number_stay():
    """7 or 13 digits after 学号 are not student numbers."""
    assert redact("学号 1234567").text == "学号 1234567"
    assert redact("学号 1234567890123").text == "学号 1234567890123"


def test_student_number_patterns_can_be_replaced():
    """A library's own pattern (e.g. 'card B1234567') replaces the defaults."""
    result = redact("card B1234567, 学号 20211234", student_number_patterns=[r"card\s+(B\d{7})"])
    assert result.text == "card [学号已隐去], 学号 20211234"


def test_the_readers_name_is_removed_in_any_case_and_order():
    """known_names match case-insensitively; a Latin name also matches reversed."""
    result = redact("Dear ZHANG San, zhang san and San Zhang asked; Zhangsanfeng did not.", ["Zhang San"])
    assert result.text == ("Dear [name removed], [name removed] and [name removed] asked; "
                           "Zhangsanfeng did not.")
    assert redact("张三同学你好", ["张三"]).text == "[姓名已隐去]同学你好"


@pytest.mark.parametrize("text, expected", [
    ("我是张三，想问一本书", "我是[姓名已隐去]，想问一本书"),
    ("我叫李四想借书", "我叫[姓名已隐去]想借书"),
    ("姓名：欧阳明日", "姓名：[姓名已隐去]"),
    ("您好，我是王小明。", "您好，我是[姓名已隐去]。"),
    ("Hello, my name is John Smith and I study law.", "Hello, my name is [name removed] and I study law."),
])
def test_self_introductions_are_removed(text, expected):
    """我是/我叫/姓名/My name is introduce a name that is removed."""
    assert redact(text).text == expected


@pytest.mark.parametrize("text", [
    "我是一名研究生，想找文献", "我是王老师的学生", "我是计算机学院的", "我想借《红楼梦》",
    "ISBN 978-7-02-000220-X 或 9787020002207", "ISSN 0254-4164", "ISBN 0061234567", "ISBN: 0010000003", "doi:10.1016/j.lisr.2020.101030",
    "索书号 TP311.13/W12，2025年10月1日到馆", "共 1234567 册", "please call me back tomorrow",
])
def test_text_without_personal_data_is_left_alone(text):
    """Library identifiers, dates, counts and ordinary sentences are not personal data."""
    result = redact(text)
    assert result.text == text and result.found == []


def test_qq_and_wechat_ids_are_removed():
    """Ids introduced by QQ / 微信 / WeChat are removed; 微信 used as a word is not an id."""
    result = redact("QQ: 12345678，微信号：wxid_abc123，WeChat ID zhang-san_88")
    assert result.text == "QQ: [QQ号已隐去]，微信号：[微信号已隐去]，WeChat ID [微信号已隐去]"
    assert kinds(result) == ["qq", "wechat", "wechat"]
    assert redact("我在微信 message 里说过").found == []


def test_tokens_follow_the_text_language_unless_forced():
    """English text gets English tokens, Chinese text Chinese ones; 'neutral' writes both."""
    assert redact("mail me at a@b.cn").text == "mail me at [email removed]"
    assert redact("mail me at a@b.cn", language="zh").text == "mail me at [邮箱已隐去]"
    assert redact("mail me at a@b.cn", language="neutral").text == "mail me at [邮箱已隐去 / email removed]"
    assert token_for("phone", "neutral") == "[电话已隐去 / phone removed]"
    with pytest.raises(ValueError):
        redact("x", language="fr")


def test_found_items_give_positions_in_the_original_text():
    """Every Found's start/end slices its original out of the input, in text order."""
    text = f"我是张三，电话13812345678，邮箱 zs@nju.edu.cn，身份证 {VALID_ID}，学号 2021123456"
    result = redact(text)
    assert kinds(result) == ["name", "phone", "email", "id_card", "student_number"]
    for found in result.found:
        assert text[found.start:found.end] == found.original
    assert result.changed and not redact(result.text).changed


def test_a_number_inside_an_email_is_part_of_the_email():
    """13812345678@qq.com is one e-mail address, not a phone number plus a domain."""
    result = redact("写信到 13812345678@qq.com")
    assert result.text == "写信到 [邮箱已隐去]" and kinds(result) == ["email"]


def test_full_width_digits_and_at_signs_are_recognised():
    """１３８１２３４５６７８ and ｚｓ＠ｎｊｕ．ｅｄｕ．ｃｎ are a phone number and an address; originals are kept in Found."""
    result = redact("电话１３８１２３４５６７８，邮箱ｚｓ＠ｎｊｕ．ｅｄｕ．ｃｎ")
    assert result.text == "电话[电话已隐去]，邮箱[邮箱已隐去]"
    assert [f.original for f in result.found] == ["１３８１２３４５６７８", "ｚｓ＠ｎｊｕ．ｅｄｕ．ｃｎ"]


def test_sanitised_html_keeps_its_markup_while_personal_data_goes():
    """Answers are HTML: tags and attributes other than the data itself survive redaction."""
    html = ('<p>我是张三，电话<strong>138-1234-5678</strong>，'
            '<a href="mailto:zs@nju.edu.cn">zs@nju.edu.cn</a></p><p>见 <em>ISBN 978-7-02-000220-X</em></p>')
    assert redact(html).text == ('<p>我是[姓名已隐去]，电话<strong>[电话已隐去]</strong>，'
                                 '<a href="mailto:[邮箱已隐去]">[邮箱已隐去]</a></p><p>见 <em>ISBN 978-7-02-000220-X</em></p>')
