"""The three steps of a harvest run: fetch (HTTP + spool), circuit breaker, delivery.

Each step takes the ``Harvester`` whose run it works on (its settings, ``session``, ``state``
and ``progress``); the harvester calls them in order.
"""
import hashlib

import requests

from member_sites.errors import BadOAIResponse, HarvestHTTPError, HarvestLoop, OAIError, WithdrawalLimitExceeded
from member_sites.harvest_pages import HarvestSummary, page_results
from member_sites.oai import local_id_from_identifier, parse_response
from member_sites.retry import is_transient_status
from member_sites.transport import failure_cause


def http_get(harvester, params: dict) -> bytes:
    """GET the base URL with OAI params; transient failures are retried by the session's policy."""
    failed = f"{harvester.base_url} failed after {harvester.policy.attempts} attempts"
    try:
        response = harvester.session.get(harvester.base_url, params=params, timeout=harvester.timeout)
    except (requests.ConnectionError, requests.Timeout, requests.exceptions.RetryError) as exc:
        raise HarvestHTTPError(f"{failed}: {failure_cause(exc)}") from None
    except requests.RequestException as exc:
        raise HarvestHTTPError(f"{harvester.base_url}: {failure_cause(exc)}") from None
    if is_transient_status(response.status_code):
        raise HarvestHTTPError(f"{failed}: HTTP {response.status_code}")
    return _body(response)


def _body(response) -> bytes:
    if response.status_code >= 400 and b"OAI-PMH" not in response.content[:2000]:
        raise HarvestHTTPError(f"{response.url} answered HTTP {response.status_code}")
    return response.content


def _parse(body: bytes, number: int):
    try:
        return parse_response(body)
    except ValueError as exc:
        raise BadOAIResponse(f"Response for page {number} is not usable OAI-PMH: {exc}") from None


def _params(harvester, run: dict) -> dict:
    if run["next_token"]:
        return {"verb": "ListRecords", "resumptionToken": run["next_token"]}
    params = {"verb": "ListRecords", "metadataPrefix": harvester.metadata_prefix}
    if harvester.set_spec:
        params["set"] = harvester.set_spec
    if run["from"]:
        params["from"] = run["from"]
    return params


def fetch_all(harvester) -> None:
    """Fetch every page of the run into the spool, checkpointing the next token after each."""
    state, restarted = harvester.state, False
    while not state.run["fetch_done"]:
        run = state.run
        number = run["fetched"] + 1
        body = http_get(harvester, _params(harvester, run))
        page = _parse(body, number)
        if page.error_code == "badResumptionToken" and run["next_token"] and not restarted:
            restarted = True  # nothing delivered yet, so starting the list again is safe
            state.start_run(run["from"])
            continue
        if page.error_code == "noRecordsMatch":
            run["response_date"] = run["response_date"] or page.response_date
            run["fetch_done"] = True
        elif page.error_code:
            raise OAIError(page.error_code, page.error_message)
        else:
            _check_loop(harvester, run, number, page.token)
            state.spool_page(number, body)
            run["response_date"] = run["response_date"] or page.response_date
            run["fetched"], run["next_token"] = number, page.token
            run["fetch_done"] = not page.token
        state.save()
        harvester.progress("fetch", run["fetched"], page.complete_list_size)


def _check_loop(harvester, run: dict, number: int, token: str | None) -> None:
    """Stop when the repository hands out a resumptionToken it gave before: following it would
    fetch the same pages for ever. The checkpoint stays at the last good page (nothing is
    delivered), so a rerun after the repository is fixed goes on from there."""
    if not token:
        return
    seen = run.setdefault("tokens", {})  # digest of each token → the page that carried it
    digest = hashlib.sha256(token.encode("utf-8")).hexdigest()[:20]
    if digest in seen:
        shown = token if len(token) <= 60 else token[:57] + "…"
        raise HarvestLoop(
            f"{harvester.base_url} sent resumptionToken {shown!r} again on page {number} (first on page "
            f"{seen[digest]}): following it would fetch the same pages for ever. Harvest stopped; the "
            f"{run['fetched']} page(s) fetched so far are kept in {harvester.state.path} and nothing was pushed. "
            "Ask the repository's administrator to fix its resumptionTokens, then run the harvest again.")
    seen[digest] = number


def check_breaker(harvester, holdings_count: int, force: bool) -> int:
    """Count distinct deletions of the run; refuse (changing nothing) above the allowed share."""
    run, deleted = harvester.state.run, set()
    for number in range(1, run["fetched"] + 1):
        page = _parse(harvester.state.read_page(number), number)
        deleted.update(local_id_from_identifier(r.identifier) for r in page.records if r.deleted and r.identifier)
    limit = harvester.max_withdraw_share * holdings_count
    if holdings_count > 0 and len(deleted) > limit and not force and run["delivered"] == 0:
        share = len(deleted) / holdings_count
        raise WithdrawalLimitExceeded(
            f"This harvest would withdraw {len(deleted):,} of the member's {holdings_count:,} holdings "
            f"({share:.0%}), more than the allowed {harvester.max_withdraw_share:.0%}. Nothing was changed. "
            "Check the source repository; run again with force to apply it anyway.")
    return len(deleted)


def deliver(harvester, on_page) -> HarvestSummary:
    """Hand each undelivered page to ``on_page``; checkpoint after each acknowledged page."""
    state = harvester.state
    run = state.run
    counts = run["counts"]
    for number in range(run["delivered"] + 1, run["fetched"] + 1):
        page = page_results(_parse(state.read_page(number), number), harvester.metadata_prefix, number)
        on_page(page)  # raises → state still says this page is undelivered
        usable = sum(1 for r in page.results if r.ok)
        for key, value in (("pages", 1), ("records", len(page.results)), ("usable", usable),
                           ("problems", len(page.results) - usable), ("deleted", len(page.deleted))):
            counts[key] = counts.get(key, 0) + value
        run["delivered"] = number
        state.save()
        harvester.progress("deliver", number, run["fetched"])
    return HarvestSummary(pages=counts.get("pages", 0), records=counts.get("records", 0),
                          usable=counts.get("usable", 0), problems=counts.get("problems", 0),
                          deleted=counts.get("deleted", 0), from_date=run["from"],
                          response_date=run["response_date"])
