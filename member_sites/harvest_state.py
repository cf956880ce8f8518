"""The harvester's checkpoint: a JSON state file written atomically, and the page spool beside it."""
import json
import os
import shutil
from pathlib import Path

from member_sites.errors import HarvestStateError

STATE_VERSION = 1


class HarvestState:
    """``data`` is the JSON document; ``spool`` the folder of raw responses of the current run.

    Document: ``{"version", "base_url", "metadata_prefix", "set_spec", "last_complete":
    {"response_date", "counts"} | null, "run": {"from", "response_date", "next_token",
    "fetched", "fetch_done", "delivered", "counts"} | null}``.
    """

    def __init__(self, path, identity: dict):
        self.path = Path(path)
        self.spool = self.path.with_name(self.path.name + ".pages")
        self.identity = identity
        self.data = self._load()

    def _load(self) -> dict:
        if not self.path.exists():
            return {"version": STATE_VERSION, **self.identity, "last_complete": None, "run": None}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise HarvestStateError(f"Cannot read harvest state {self.path}: {exc}") from None
        mine = {k: data.get(k) for k in self.identity}
        if mine != self.identity:
            raise HarvestStateError(
                f"Harvest state {self.path} belongs to {mine}, not {self.identity}; use another state file.")
        return data

    @property
    def run(self) -> dict | None:
        return self.data.get("run")

    def save(self) -> None:
        """Write the document atomically (a crash leaves the old or the new state, never half)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(self.data, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)

    def start_run(self, from_date: str | None) -> None:
        self.clear_spool()
        self.data["run"] = {"from": from_date, "response_date": None, "next_token": None, "fetched": 0,
                            "fetch_done": False, "delivered": 0, "counts": {}}
        self.save()

    def page_path(self, number: int) -> Path:
        return self.spool / f"{number:06d}.xml"

    def spool_page(self, number: int, body: bytes) -> None:
        self.spool.mkdir(parents=True, exist_ok=True)
        tmp = self.page_path(number).with_suffix(".tmp")
        tmp.write_bytes(body)
        os.replace(tmp, self.page_path(number))

    def read_page(self, number: int) -> bytes:
        return self.page_path(number).read_bytes()

    def clear_spool(self) -> None:
        shutil.rmtree(self.spool, ignore_errors=True)

    def complete(self, counts: dict) -> None:
        run = self.data["run"]
        self.data["last_complete"] = {"response_date": run["response_date"], "from": run["from"], "counts": counts}
        self.data["run"] = None
        self.save()
        self.clear_spool()

    def reset(self) -> None:
        self.data["run"] = None
        self.save()
        self.clear_spool()
