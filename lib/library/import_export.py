"""Export the task library to CSV / JSON, and read task IDs back from files users bring.

No Streamlit here. Exports carry the key's fingerprint at most, never the key: ``HistoryEntry``
has no key to leak, and nothing here adds one.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lib.gateway.errors import InvalidInputError
from lib.gateway.ids import split_ids, validate_id
from lib.gateway.models import PLATFORMS
from lib.library.entries import HistoryEntry

EXPORT_FORMAT = "music-task-studio/history"
EXPORT_VERSION = 1
EXPORT_COLUMNS = (
    "task_id",
    "platform",
    "status",
    "title",
    "model",
    "duration",
    "song_count",
    "progress",
    "fail_reason",
    "submitted_at",
    "first_seen",
    "updated_at",
    "gateway_name",
    "gateway_url",
    "key_fingerprint",
    "origin",
    "action",
    "route",
    "prompt",
    "tags",
    "cover_url",
    "starred",
    "note",
    "submit_error",
    "request_body",
)
DEFAULT_IMPORT_LIMIT = 500
# The largest file an import reads. 500 IDs in any of the formats below fit in well under 1 MB; a
# 70 MB file took over a minute of CPU and ~900 MB to parse, so the size is refused before reading.
MAX_IMPORT_BYTES = 5_000_000  # decimal MB, as browsers and Streamlit's uploader show sizes
# ``InvalidInputError.code`` of the refusals a page explains in the user's language.
TOO_LARGE, TOO_DEEP, NOT_TEXT = "import_too_large", "import_too_deep", "import_not_text"

# A spreadsheet runs a cell starting with one of these as a formula; titles and prompts come
# from remote gateways, so an export must not become a way to run one on the user's machine.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Header names (lower case, without spaces, "_" or "-") of an ID column, preferred first.
_ID_HEADERS = ("taskid", "id", "task")
_ID_KEYS = ("task_id", "taskid", "id", "task")  # JSON object keys, compared case-insensitively
_DELIMITERS = (",", "\t", ";")


# --- export ------------------------------------------------------------------------------------


def export_csv(entries: Iterable[HistoryEntry]) -> bytes:
    """UTF-8 with a BOM: without it Excel reads the file as the local code page and garbles
    Chinese titles."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for entry in entries:
        writer.writerow(_csv_cell(getattr(entry, name)) for name in EXPORT_COLUMNS)
    return out.getvalue().encode("utf-8-sig")


def export_json(entries: Iterable[HistoryEntry], *, now: datetime | None = None) -> bytes:
    tasks = []
    for entry in entries:
        task = {name: _json_value(getattr(entry, name)) for name in EXPORT_COLUMNS}
        task["request_body"] = _parsed(entry.request_body)
        task["last_body"] = _parsed(entry.last_body)
        tasks.append(task)
    document = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": _iso(now or datetime.now(UTC)),
        "tasks": tasks,
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_STARTS) else value
    return str(value)


def _json_value(value: Any) -> Any:
    return _iso(value) if isinstance(value, datetime) else value


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _parsed(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


# --- import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedIds:
    ids: tuple[str, ...]
    platforms: dict[str, str]  # id -> "suno"/"udio" when the file said so
    skipped: int  # rows/items that held no usable ID (invalid or empty)
    truncated: bool


def parse_import(data: bytes, filename: str = "", limit: int = DEFAULT_IMPORT_LIMIT) -> ImportedIds:
    """Task IDs from an uploaded file: this module's JSON export or other JSON lists/objects,
    CSV/TSV (an ID column found by its header, else the first column), or plain text.

    The format is told from the content, not trusted from the name: JSON when it parses as a
    JSON list or object; CSV when the name ends .csv/.tsv, the first row names an ID column, or
    every row has the same number (two or more) of columns; plain text otherwise. Raises
    ``InvalidInputError`` for an empty, binary, oversized or too deeply nested file, or one
    without a single valid ID (``code`` tells the first three apart).
    """
    name = filename or "the file"
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInputError(f"{name} is larger than {MAX_IMPORT_BYTES // 1_000_000} MB", code=TOO_LARGE)
    text = _decode(data, name)
    found = _Found()
    document = _json_document(text, filename)
    if document is not None:
        _collect_json(document, found)
    else:
        rows = _csv_rows(text)
        if filename.lower().endswith((".csv", ".tsv")) or _looks_tabular(rows):
            _collect_csv(rows, found)
        else:
            for part in split_ids(text):
                found.add(part)
    if not found.ids:
        invalid = f" ({found.skipped} entries were not valid IDs)" if found.skipped else ""
        raise InvalidInputError(f"found no valid task ID in {name}{invalid}")
    ids = tuple(found.ids)[: max(1, limit)]
    platforms = {task_id: found.ids[task_id] for task_id in ids if found.ids[task_id]}
    return ImportedIds(ids=ids, platforms=platforms, skipped=found.skipped, truncated=len(found.ids) > len(ids))


class _Found:
    """Valid IDs in first-seen order, each with the platform the file gave it, if any."""

    def __init__(self) -> None:
        self.ids: dict[str, str | None] = {}
        self.skipped = 0

    def add(self, value: Any, platform: Any = None) -> None:
        # JSON true would pass as the ID "True"; only strings and whole numbers are IDs.
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.skipped += 1
            return
        try:
            task_id = validate_id(value, "task ID")
        except InvalidInputError:
            self.skipped += 1
            return
        platform = str(platform or "").strip().lower()
        if not self.ids.get(task_id):  # a later row may name the platform an earlier one did not
            self.ids[task_id] = platform if platform in PLATFORMS else None


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" is UTF-16
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InvalidInputError(f"{name} is not a text file", code=NOT_TEXT) from None
    elif b"\x00" in data:
        raise InvalidInputError(f"{name} is not a text file", code=NOT_TEXT)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")  # never fails: old spreadsheets export cp1252/latin-1
    if not text.strip():
        raise InvalidInputError(f"{name} is empty")
    # latin-1 decodes any bytes, so binary data shows up only as a crowd of control characters.
    controls = sum(1 for char in text if char not in "\t\n\r\f\v" and unicodedata.category(char) == "Cc")
    if controls > len(text) // 10:
        raise InvalidInputError(f"{name} is not a text file", code=NOT_TEXT)
    return text


def _json_document(text: str, filename: str) -> Any:
    """The parsed JSON list or object, or None for anything else (a lone number is a plain
    text ID, not JSON)."""
    try:
        document = json.loads(text)
    except RecursionError:  # "[[[[…" thousands deep: no export nests past a few levels
        raise InvalidInputError(f"{filename or 'the file'} is nested too deeply to read", code=TOO_DEEP) from None
    except ValueError as exc:
        if filename.lower().endswith(".json"):
            raise InvalidInputError(f"{filename} is not valid JSON: {exc}") from None
        return None
    return document if isinstance(document, (list, dict)) else None


def _collect_json(document: Any, found: _Found) -> None:
    items = document
    if isinstance(document, dict):
        keys = _lower_keys(document)
        items = next(
            (keys[k] for k in ("tasks", "task_ids", "ids") if isinstance(keys.get(k), list)),
            [document] if _id_of(document) is not None else None,
        )  # one task on its own
        if items is None:
            raise InvalidInputError(
                'found no task IDs in the JSON: expected a list of IDs or an object with "tasks", "task_ids" or "ids"'
            )
    for item in items:
        if isinstance(item, dict):
            found.add(_id_of(item), _lower_keys(item).get("platform"))
        else:
            found.add(item)


def _id_of(item: dict) -> Any:
    keys = _lower_keys(item)
    return next((keys[k] for k in _ID_KEYS if keys.get(k) not in (None, "")), None)


def _lower_keys(item: dict) -> dict[str, Any]:
    return {str(key).lower(): value for key, value in item.items()}


def _csv_rows(text: str) -> list[list[str]]:
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(_DELIMITERS, key=first.count)  # "," when the line has none of them
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:  # e.g. a stray quote swallowing a huge text: not a table
        return []
    return [[cell.strip() for cell in row] for row in rows if any(cell.strip() for cell in row)]


def _header_columns(row: list[str]) -> tuple[int, int | None] | None:
    """(ID column, platform column) when the row is a header naming an ID column."""
    names = [re.sub(r"[\s_-]", "", cell.lower()) for cell in row]
    id_column = next((names.index(h) for h in _ID_HEADERS if h in names), None)
    if id_column is None:
        return None
    return id_column, names.index("platform") if "platform" in names else None


def _looks_tabular(rows: list[list[str]]) -> bool:
    if rows and _header_columns(rows[0]):
        return True
    # "a,b,c" on one line is a pasted list, not a one-row table.
    return len(rows) > 1 and len({len(row) for row in rows}) == 1 and len(rows[0]) > 1


def _collect_csv(rows: list[list[str]], found: _Found) -> None:
    if not rows:
        return
    columns = _header_columns(rows[0])
    if columns is None:
        id_column, platform_column = 0, None
        try:
            validate_id(rows[0][0])
        except InvalidInputError:  # an unrecognised header, not a bad ID
            rows = rows[1:]
    else:
        (id_column, platform_column), rows = columns, rows[1:]
    for row in rows:
        cells = dict(enumerate(row))  # short rows simply lack the cell
        found.add(cells.get(id_column, ""), cells.get(platform_column))
