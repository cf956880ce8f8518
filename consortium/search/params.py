"""The public search parameters → ``search_index.ports.SearchParams`` (pure: no Flask, no DB,
no search engine).

Parameters arrive from query strings (strings, repeatable keys) or from other services
(ints, bools, dates, lists); both give one ``SearchParams`` or an ``InvalidSearch`` naming
every bad field.
"""
import datetime as dt

from consortium.search.errors import DeepPaging, InvalidSearch
from member_sites.record.clc import normalise_clc
from member_sites.record.language import normalise_language
from search_index.ports import SORTS, SearchParams

FORMATS = ("book", "ebook", "journal", "ejournal", "database", "av", "thesis", "other")
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
MAX_QUERY = 500


def _values(raw, name) -> list:
    if hasattr(raw, "getlist"):
        values = raw.getlist(name)
    else:
        value = raw.get(name)
        values = list(value) if isinstance(value, (list, tuple, set)) else [value]
    return [v for v in values if v is not None and v != ""]


def _one(raw, name):
    values = _values(raw, name)
    return values[0] if values else None


def _int(value, name, low, high, errors):
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[name] = [f"Must be a whole number from {low} to {high}."]
        return None
    if isinstance(value, bool) or not low <= number <= high:
        errors[name] = [f"Must be a whole number from {low} to {high}."]
        return None
    return number


def _bool(value, name, errors):
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE or text in FALSE:
        return text in TRUE
    errors[name] = ["Must be true or false."]
    return None


def _date(value, name, errors):
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[name] = ["Must be a date written YYYY-MM-DD."]
        return None


def _moment(value, name, errors):
    """An instant: a datetime, or ISO 8601 text; without an offset it is UTC."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        try:
            value = dt.datetime.fromisoformat(str(value))
        except ValueError:
            errors[name] = ["Must be a date and time written YYYY-MM-DDThh:mm:ss±hh:mm."]
            return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _languages(values, errors) -> list[str]:
    out = []
    for value in values:
        try:
            out.append(normalise_language(str(value)))
        except ValueError as exc:
            errors["language"] = [str(exc)]
    return out


def _clc(value, errors):
    if value is None:
        return None
    try:
        return normalise_clc(str(value))
    except ValueError as exc:
        errors["clc"] = [str(exc)]
        return None


def parse_params(raw, max_per_page: int = 100, max_results: int = 1000) -> SearchParams:
    """Validated parameters; ``InvalidSearch`` lists every bad one, ``DeepPaging`` the cap."""
    errors: dict[str, list[str]] = {}
    params = SearchParams(
        q=str(_one(raw, "q") or "").strip(),
        member=tuple(str(v).strip().upper() for v in _values(raw, "member")),
        format=tuple(str(v).strip().lower() for v in _values(raw, "format")),
        language=tuple(_languages(_values(raw, "language"), errors)),
        year_from=_int(_one(raw, "year_from"), "year_from", 0, 9999, errors),
        year_to=_int(_one(raw, "year_to"), "year_to", 0, 9999, errors),
        clc=_clc(_one(raw, "clc"), errors),
        available=_bool(_one(raw, "available"), "available", errors),
        acquired_since=_date(_one(raw, "acquired_since"), "acquired_since", errors),
        first_seen_after=_moment(_one(raw, "first_seen_after"), "first_seen_after", errors),
        first_seen_until=_moment(_one(raw, "first_seen_until"), "first_seen_until", errors),
        sort=str(_one(raw, "sort") or "relevance"),
        page=_int(_one(raw, "page"), "page", 1, 1_000_000, errors) or 1,
        per_page=_int(_one(raw, "per_page"), "per_page", 1, max_per_page, errors) or 20,
        home_member=_home_member(_one(raw, "home_member")),
        autocorrect=not _bool(_one(raw, "exact"), "exact", errors),
        brief=bool(_bool(_one(raw, "brief"), "brief", errors)),
    )
    _check_choices(params, errors)
    if errors:
        raise InvalidSearch("Some search parameters are not valid.", errors)
    if params.page * params.per_page > max_results + params.per_page - 1:
        raise DeepPaging(f"Only the first {max_results} results can be paged through; refine the search.",
                         {"page": [f"Must be at most {max(1, max_results // params.per_page)} at this page size."]},
                         cap=max_results)
    return params


def _home_member(value) -> str | None:
    return (str(value).strip().upper() or None) if value else None


def _check_choices(params: SearchParams, errors: dict) -> None:
    if any(f not in FORMATS for f in params.format):
        errors["format"] = [f"Must be one of: {', '.join(FORMATS)}."]
    if params.sort not in SORTS:
        errors["sort"] = [f"Must be one of: {', '.join(SORTS)}."]
    if len(params.q) > MAX_QUERY:
        errors["q"] = [f"A query may be at most {MAX_QUERY} characters long."]
