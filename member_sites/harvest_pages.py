"""What a harvest run hands its caller: pages of push records and withdrawals, and a summary.

``page_results`` maps one parsed OAI-PMH response to a ``HarvestPage``: a record's metadata
goes through the MARC reader (``marc21`` MARCXML) or the Dublin Core mapping (``oai_dc``), a
deleted header becomes the local id to withdraw.
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from member_sites.oai import OAIPage, OAIRecord, local, local_id_from_identifier
from member_sites.readers import ReadResult
from member_sites.readers.dublin_core import record_from_dc
from member_sites.readers.marc import record_from_element
from member_sites.readers.marc_mapping import record_from_marc


@dataclass
class HarvestPage:
    """One page of a run: records to upsert and local ids to withdraw."""

    number: int
    results: list[ReadResult] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


@dataclass
class HarvestSummary:
    """What a completed run delivered."""

    pages: int = 0
    records: int = 0
    usable: int = 0
    problems: int = 0
    deleted: int = 0
    from_date: str | None = None
    response_date: str | None = None
    resumed: bool = False


OnPage = Callable[[HarvestPage], None]


def page_results(oai_page: OAIPage, prefix: str, number: int) -> HarvestPage:
    """Map one parsed OAI response to a HarvestPage (records → ReadResults, deletions → ids)."""
    page = HarvestPage(number)
    for index, item in enumerate(oai_page.records, start=1):
        position = f"page {number}, record {index} ({item.identifier or 'no identifier'})"
        if not item.identifier:
            page.results.append(ReadResult(position, None, ["unusable: record header without an identifier"]))
        elif item.deleted:
            page.deleted.append(local_id_from_identifier(item.identifier))
        elif item.metadata is None:
            page.results.append(ReadResult(position, None, ["unusable: record without metadata"]))
        else:
            page.results.append(_map_metadata(item, prefix, local_id_from_identifier(item.identifier), position))
    return page


def _map_metadata(item: OAIRecord, prefix: str, local_id: str, position: str) -> ReadResult:
    if prefix == "marc21" or local(item.metadata.tag) == "record":
        try:
            marc = record_from_element(item.metadata)
        except ValueError as exc:
            return ReadResult(position, None, [f"unusable: malformed MARCXML record: {exc}"])
        return record_from_marc(marc, position, local_id=local_id)
    return record_from_dc(item.metadata, local_id, position)
