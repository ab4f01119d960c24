"""The curated catalog of the bundled corpus (``resources/corpus/catalog.toml``)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from db.errors import CatalogError
from db.kinds import DOCUMENT_KINDS

_KNOWN_KEYS = {"file", "title", "kind", "issuing_body", "language", "captured", "url", "note"}


@dataclass(frozen=True)
class CatalogEntry:
    """One source file of the corpus with what a person knows about it."""

    file: str
    title: str | None = None
    kind: str | None = None
    issuing_body: str | None = None
    language: str = "en"
    captured: str | None = None
    url: str | None = None
    note: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def load_catalog(path: Path) -> list[CatalogEntry]:
    """Read and check the catalog.

    Args:
        path: The catalog file.

    Returns:
        Its entries, in file order.

    Raises:
        CatalogError: The file is missing, is not valid TOML, names a file that
            does not exist, or has an unknown key.
    """
    if not path.is_file():
        raise CatalogError(f"catalog not found: {path}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path.name}: not valid TOML ({exc})") from exc
    entries: list[CatalogEntry] = []
    seen: set[str] = set()
    for i, raw in enumerate(data.get("document", []), start=1):
        if "file" not in raw:
            raise CatalogError(f"{path.name}: document #{i} has no 'file'")
        unknown = set(raw) - _KNOWN_KEYS
        if unknown:
            raise CatalogError(f"{path.name}: document #{i} has unknown keys {sorted(unknown)}")
        if raw["file"] in seen:
            raise CatalogError(f"{path.name}: {raw['file']} is listed twice")
        seen.add(raw["file"])
        if not (path.parent / raw["file"]).is_file():
            raise CatalogError(f"{path.name}: {raw['file']} does not exist in {path.parent}")
        if raw.get("kind") is not None and raw["kind"] not in DOCUMENT_KINDS:
            raise CatalogError(f"{path.name}: {raw['file']} has unknown kind {raw['kind']!r}")
        entries.append(CatalogEntry(**{k: str(v) for k, v in raw.items()}))
    if not entries:
        raise CatalogError(f"{path.name}: lists no documents")
    return entries
