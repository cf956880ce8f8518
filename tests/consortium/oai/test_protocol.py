"""The pure OAI-PMH rules: verbs and arguments, datestamps, identifiers, set specs, tokens."""
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consortium.oai import protocol
from consortium.oai.errors import BadArgument, BadResumptionToken, BadVerb, CannotDisseminateFormat
from consortium.oai.tokens import ListState, decode_token, encode_token

ARG_NAMES = ["verb", "identifier", "metadataPrefix", "from", "until", "set", "resumptionToken", "other"]


def codes(exc) -> list[str]:
    return [code for code, _ in exc.value.problems]


@pytest.mark.parametrize("pairs", [[], [("verb", "Nope")], [("verb", "Identify"), ("verb", "Identify")],
                                   [("verb", "identify")], [("VERB", "Identify")]])
def test_missing_unknown_or_repeated_verb_is_bad_verb(pairs):
    """A request without exactly one known verb is badVerb, whatever else it carries."""
    with pytest.raises(BadVerb):
        protocol.parse_request(pairs)


@pytest.mark.parametrize("pairs", [
    [("verb", "Identify"), ("set", "member")],
    [("verb", "GetRecord"), ("identifier", "oai:x:work/1")],
    [("verb", "ListRecords")],
    [("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("metadataPrefix", "marc21")],
    [("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("resumptionToken", "t")],
    [("verb", "ListIdentifiers"), ("metadataPrefix", "oai_dc"), ("from", "")],
    [("verb", "GetRecord"), ("identifier", "i"), ("metadataPrefix", "oai_dc"), ("resumptionToken", "t")],
    [("verb", "ListMetadataFormats"), ("resumptionToken", "t")],
])
def test_illegal_missing_repeated_or_empty_arguments_are_bad_argument(pairs):
    """Every breach of §3.1's argument rules is badArgument."""
    with pytest.raises(BadArgument):
        protocol.parse_request(pairs)


def test_resumption_token_alone_is_accepted_for_list_verbs():
    """A resumptionToken is an exclusive argument of ListRecords, ListIdentifiers and ListSets."""
    for verb in ("ListRecords", "ListIdentifiers", "ListSets"):
        assert protocol.parse_request([("verb", verb), ("resumptionToken", "t")]).args == {"resumptionToken": "t"}


def test_several_argument_problems_are_all_reported():
    """An unknown argument and a missing one are both listed."""
    with pytest.raises(BadArgument) as exc:
        protocol.parse_request([("verb", "GetRecord"), ("metadataPrefix", "oai_dc"), ("colour", "red")])
    assert codes(exc) == ["badArgument", "badArgument"]


@given(st.lists(st.tuples(st.sampled_from(ARG_NAMES), st.sampled_from(["", "x", "oai_dc", "Identify"])), max_size=6))
def test_parse_request_accepts_only_what_the_verb_allows(pairs):
    """Any mix of arguments either parses into the verb's allowed set or raises an OAI error."""
    try:
        request = protocol.parse_request(pairs)
    except (BadVerb, BadArgument):
        return
    required, optional, resumable = protocol.VERBS[request.verb]
    allowed = set(required) | set(optional) | ({"resumptionToken"} if resumable else set())
    assert set(request.args) <= allowed
    assert "resumptionToken" in request.args or set(required) <= set(request.args)


def test_unknown_metadata_prefix_cannot_be_disseminated():
    """Only oai_dc and marc21 are offered."""
    assert protocol.check_metadata_prefix("marc21") == "marc21"
    with pytest.raises(CannotDisseminateFormat):
        protocol.check_metadata_prefix("mods")


@pytest.mark.parametrize("value", ["2026-13-01", "2026-02-30", "2026-11-27T10:00Z", "2026-11-27T10:00:00",
                                   "2026-11-27T10:00:00.5Z", "27/11/2026", "2026-11-27T10:00:00+08:00", "yesterday"])
def test_malformed_datestamps_are_bad_argument(value):
    """from/until take only YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ naming a real moment."""
    with pytest.raises(BadArgument):
        protocol.harvest_window(value, None)


def test_until_includes_its_whole_day_or_second():
    """until is inclusive at its own granularity; from is inclusive."""
    day = protocol.harvest_window("2026-11-01", "2026-11-27")
    assert day.start == datetime(2026, 11, 1, tzinfo=timezone.utc)
    assert day.end == datetime(2026, 11, 28, tzinfo=timezone.utc)
    second = protocol.harvest_window(None, "2026-11-27T10:00:00Z")
    assert second.end == datetime(2026, 11, 27, 10, 0, 1, tzinfo=timezone.utc)


def test_mixed_granularities_and_reversed_windows_are_bad_argument():
    """from and until must share a granularity and be in order."""
    with pytest.raises(BadArgument, match="granularity"):
        protocol.harvest_window("2026-11-01", "2026-11-27T10:00:00Z")
    with pytest.raises(BadArgument, match="later"):
        protocol.harvest_window("2026-11-28", "2026-11-27")


def test_the_last_possible_day_has_no_upper_bound_overflow():
    """until=9999-12-31 selects everything up to the end of time instead of crashing."""
    assert protocol.harvest_window(None, "9999-12-31").end is None


@given(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 30), timezones=st.just(timezone.utc)))
def test_formatted_datestamps_parse_back_and_fall_inside_their_own_window(moment):
    """A datestamp we write is a legal from/until, and from=until=it selects the moment itself."""
    stamp = protocol.format_datestamp(moment)
    window = protocol.harvest_window(stamp, stamp)
    assert window.start <= moment < window.end


@given(st.integers(min_value=1, max_value=2**31 - 1))
def test_identifiers_round_trip(work_id):
    """oai:<repo>:work/<id> names exactly that work."""
    identifier = protocol.make_identifier("daodu.example.edu.cn", work_id)
    assert protocol.parse_identifier("daodu.example.edu.cn", identifier) == work_id


@pytest.mark.parametrize("identifier", ["oai:other.org:work/1", "oai:daodu.example.edu.cn:work/0",
                                        "oai:daodu.example.edu.cn:work/01", "oai:daodu.example.edu.cn:work/x",
                                        "oai:daodu.example.edu.cn:work/١٢", "oai:daodu.example.edu.cn:work/-3",
                                        "oai:daodu.example.edu.cn:work/" + "9" * 30,
                                        "oai:daodu.example.edu.cn:work/2147483648", "work/1"])
def test_foreign_or_malformed_identifiers_name_no_work(identifier):
    """Another repository's identifier, a zero, padded, non-ASCII or out-of-range id names nothing."""
    assert protocol.parse_identifier("daodu.example.edu.cn", identifier) is None


def test_set_specs_select_all_members_or_one_member():
    """member is the whole catalogue, member:<CODE> one member, anything else nothing."""
    assert protocol.parse_set("member") == (True, None)
    assert protocol.parse_set("member:NJU") == (True, "NJU")
    assert protocol.parse_set("clc:TP") == (False, None)
    assert protocol.parse_set("member:NJU:x") == (False, None)
    for bad in ("member:", "member:南大", "a b", ":member"):
        with pytest.raises(BadArgument):
            protocol.parse_set(bad)


def test_repository_identifier_syntax_needs_a_domain_name():
    """The oai-identifier scheme wants a dotted name, so 127.0.0.1 or localhost are not one."""
    assert protocol.is_valid_repository_id("daodu.example.edu.cn")
    assert not protocol.is_valid_repository_id("127.0.0.1")
    assert not protocol.is_valid_repository_id("localhost")


STATE = ListState("ListRecords", "oai_dc", "member:A", "2026-01-01", None, after_id=40, cursor=100, total=350,
                  issued=1_800_000_000)
states = st.builds(ListState, st.sampled_from(["ListRecords", "ListIdentifiers"]),
                   st.sampled_from(["oai_dc", "marc21"]), st.none() | st.text(max_size=20),
                   st.none() | st.text(max_size=20), st.none() | st.text(max_size=20),
                   st.integers(0, 2**63), st.integers(0, 10**9), st.integers(0, 10**9), st.integers(0, 2**40))


@given(states)
def test_tokens_round_trip_unchanged(state):
    """Whatever a token carries comes back exactly, for the verb it was issued for."""
    token = encode_token(state, "secret")
    assert decode_token(token, "secret", verb=state.verb, now=state.issued, ttl=60) == state


@given(st.text(max_size=80))
def test_arbitrary_text_is_never_a_valid_token(text):
    """Garbage is refused with badResumptionToken, never a crash."""
    with pytest.raises(BadResumptionToken):
        decode_token(text, "secret", verb="ListRecords", now=STATE.issued, ttl=60)


@given(st.integers(min_value=0), st.integers(min_value=0, max_value=255))
def test_any_changed_byte_breaks_the_signature(position, value):
    """Flipping any character of a token (payload or signature) makes it invalid."""
    token = encode_token(STATE, "secret")
    index = position % len(token)
    replacement = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."[value % 65]
    changed = token[:index] + replacement + token[index + 1:]
    if changed != token:
        with pytest.raises(BadResumptionToken):
            decode_token(changed, "secret", verb="ListRecords", now=STATE.issued, ttl=60)


def test_tokens_expire_and_belong_to_one_verb_and_one_secret():
    """An old token, one for another verb, or one signed with another secret is refused."""
    token = encode_token(STATE, "secret")
    assert decode_token(token, "secret", verb="ListRecords", now=STATE.issued + 60, ttl=60) == STATE
    with pytest.raises(BadResumptionToken, match="expired"):
        decode_token(token, "secret", verb="ListRecords", now=STATE.issued + 61, ttl=60)
    with pytest.raises(BadResumptionToken, match="belongs to ListRecords"):
        decode_token(token, "secret", verb="ListIdentifiers", now=STATE.issued, ttl=60)
    with pytest.raises(BadResumptionToken, match="not one this repository issued"):
        decode_token(token, "other secret", verb="ListRecords", now=STATE.issued, ttl=60)
    assert encode_token(replace(STATE, after_id=41), "secret") != token
