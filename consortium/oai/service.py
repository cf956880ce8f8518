"""The OAI-PMH provider service: one request (name/value pairs) in, one answer out.

``answer`` is the one entry point the view calls. It validates with ``protocol``, reads with
``store``, pages with stateless ``tokens``, and returns plain data that ``render`` writes as
XML. Protocol errors are raised as ``OaiError`` leaves.
"""
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlmodel import Session

from consortium.oai import protocol, store
from consortium.oai.errors import BadResumptionToken, IdDoesNotExist, NoRecordsMatch, OaiError
from consortium.oai.tokens import ListState, decode_token, encode_token


@dataclass(frozen=True)
class Settings:
    """What the provider needs from the app config (see ``consortium.oai.init_app``)."""

    repository_id: str
    repository_name: str
    base_url: str
    admin_emails: tuple
    page_size: int
    token_ttl: int
    secret: str


@dataclass
class Resumption:
    token: str  # "" on the last page of a split list
    cursor: int
    total: int
    expires: datetime | None = None


@dataclass
class Answer:
    """A successful response: the verb, the arguments to echo, and verb-specific content."""

    verb: str
    args: dict
    identify: dict | None = None
    formats: list = field(default_factory=list)
    sets: list = field(default_factory=list)
    prefix: str | None = None
    entries: list = field(default_factory=list)
    resumption: Resumption | None = None


def answer(session: Session, pairs: list[tuple[str, str]], settings: Settings, now: datetime) -> Answer:
    """Answer one OAI-PMH request; raises ``OaiError`` for every protocol error."""
    request = protocol.parse_request(pairs)
    handler = {
        "Identify": _identify, "ListMetadataFormats": _list_formats, "ListSets": _list_sets,
        "GetRecord": _get_record, "ListIdentifiers": _list, "ListRecords": _list,
    }[request.verb]
    return handler(session, request, settings, now)


def _identify(session, request, settings, now) -> Answer:
    earliest = store.earliest_datestamp(session) or now
    info = {"repositoryName": settings.repository_name, "baseURL": settings.base_url,
            "earliestDatestamp": protocol.format_datestamp(earliest), "adminEmails": settings.admin_emails,
            "repositoryIdentifier": settings.repository_id,
            "sampleIdentifier": protocol.make_identifier(settings.repository_id, 1)}
    return Answer(request.verb, request.args, identify=info)


def _list_formats(session, request, settings, now) -> Answer:
    identifier = request.args.get("identifier")
    if identifier is not None:
        _require_entry(session, settings, identifier, with_metadata=False)
    formats = [(prefix, schema, ns) for prefix, (schema, ns) in protocol.METADATA_FORMATS.items()]
    return Answer(request.verb, request.args, formats=formats)


def _list_sets(session, request, settings, now) -> Answer:
    if "resumptionToken" in request.args:
        raise BadResumptionToken("ListSets is never split; this repository issued no token for it.")
    sets = [(protocol.MEMBER_SET, "All member libraries' holdings (成员馆全部馆藏)")]
    for member in store.member_sets(session):
        spec = protocol.member_set_spec(member.code)
        if protocol.is_valid_set_spec(spec):
            sets.append((spec, f"{member.name} ({member.name_en})" if member.name_en else member.name))
    return Answer(request.verb, request.args, sets=sets)


def _get_record(session, request, settings, now) -> Answer:
    prefix, entry = _gather(
        lambda: protocol.check_metadata_prefix(request.args["metadataPrefix"]),
        lambda: _require_entry(session, settings, request.args["identifier"], with_metadata=True))
    return Answer(request.verb, request.args, prefix=prefix, entries=[entry])


def _gather(*checks) -> list:
    """Run every check; raise one ``OaiError`` listing all their problems, else their results."""
    results, problems, errors = [], [], []
    for check in checks:
        try:
            results.append(check())
        except OaiError as exc:
            errors.append(exc)
            problems += exc.problems
    if len(problems) == 1:
        raise errors[0]
    if problems:
        raise OaiError(problems[0][1], problems)
    return results


def _require_entry(session, settings, identifier: str, with_metadata: bool) -> store.Entry:
    work_id = protocol.parse_identifier(settings.repository_id, identifier)
    entry = store.get_entry(session, work_id, with_metadata) if work_id is not None else None
    if entry is None:
        raise IdDoesNotExist(f"{identifier!r} is not an identifier in this repository.")
    return entry


def _list(session, request, settings, now) -> Answer:
    with_metadata = request.verb == "ListRecords"
    token = request.args.get("resumptionToken")
    if token is not None:
        state = decode_token(token, settings.secret, verb=request.verb, now=int(now.timestamp()),
                             ttl=settings.token_ttl)
    else:
        state = _first_state(request)
    selection = _selection(session, state)
    total = state.total if token is not None else store.count_works(session, selection)
    entries = store.list_entries(session, selection, state.after_id, settings.page_size + 1, with_metadata)
    if not entries and token is None:
        raise NoRecordsMatch("No records match the request.")
    more = len(entries) > settings.page_size
    entries = entries[:settings.page_size]
    resumption = None
    if more or token is not None:
        resumption = Resumption("", state.cursor, max(total, state.cursor + len(entries)))
    if more:
        following = replace(state, after_id=entries[-1].work_id, cursor=state.cursor + len(entries),
                            total=resumption.total, issued=int(now.timestamp()))
        resumption.token = encode_token(following, settings.secret)
        resumption.expires = now + timedelta(seconds=settings.token_ttl)
    return Answer(request.verb, request.args, prefix=state.prefix, entries=entries, resumption=resumption)


def _first_state(request) -> ListState:
    """Check every argument of a first list request, reporting all problems at once."""
    args = request.args
    _gather(lambda: protocol.check_metadata_prefix(args["metadataPrefix"]),
            lambda: protocol.harvest_window(args.get("from"), args.get("until")),
            lambda: args.get("set") and protocol.parse_set(args["set"]))
    return ListState(request.verb, args["metadataPrefix"], args.get("set"), args.get("from"), args.get("until"),
                     after_id=0, cursor=0, total=-1)


def _selection(session, state: ListState) -> store.Selection:
    window = protocol.harvest_window(state.from_, state.until)
    if not state.set_spec:
        return store.Selection(window.start, window.end)
    known, code = protocol.parse_set(state.set_spec)
    if not known:
        raise NoRecordsMatch(f"This repository has no set {state.set_spec!r}.")
    if code is None:
        return store.Selection(window.start, window.end)
    member_id = store.find_member_id(session, code)
    if member_id is None:
        raise NoRecordsMatch(f"This repository has no set {state.set_spec!r}.")
    return store.Selection(window.start, window.end, member_id, code)
