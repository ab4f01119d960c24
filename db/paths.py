"""Every file-system path Liaison uses, in one place.

Three roots:

* the **resources** folder (the bundled corpus and curated data), read-only;
  inside a PyInstaller bundle it lives under ``sys._MEIPASS``;
* the **data** folder, the only place the app writes: the user's data folder
  from platformdirs, overridden by ``--data-dir`` or ``LIAISON_DATA_DIR``;
* the **bundled store** shipped prebuilt inside a frozen app (read-only).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "Liaison"
ENV_DATA_DIR = "LIAISON_DATA_DIR"

_data_dir_override: Path | None = None


def set_data_dir(path: str | os.PathLike[str] | None) -> None:
    """Override the data folder for this process (``--data-dir``).

    Args:
        path: The folder to use, or None to go back to the default.
    """
    global _data_dir_override
    _data_dir_override = Path(path).expanduser().resolve() if path else None


def is_frozen() -> bool:
    """Return True when running from a PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def app_root() -> Path:
    """Return the folder that holds ``resources/`` (the project root, or the bundle)."""
    if is_frozen():
        return Path(sys._MEIPASS)  # type: ignore[attr-defined]
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    """Return the read-only resources folder."""
    return app_root() / "resources"


def corpus_dir() -> Path:
    """Return the bundled corpus folder (source documents and catalog)."""
    return resources_dir() / "corpus"


def catalog_path() -> Path:
    """Return the curated catalog of the bundled corpus."""
    return corpus_dir() / "catalog.toml"


def gazetteer_dir() -> Path:
    """Return the folder of curated entity, capability and theme data."""
    return resources_dir() / "gazetteer"


def embeddings_dir() -> Path:
    """Return the folder of the bundled static token embeddings (meaning-based search)."""
    return resources_dir() / "embeddings"


def data_dir() -> Path:
    """Return the folder every file Liaison writes goes under."""
    if _data_dir_override is not None:
        return _data_dir_override
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def store_dir() -> Path:
    """Return the folder of the built store (SQLite record, Whoosh index, manifest)."""
    return data_dir() / "store"


def library_dir() -> Path:
    """Return the officer's own library: imported originals and their record."""
    return data_dir() / "library"


def briefs_db_path() -> Path:
    """Return the officer's briefs database (user data: never inside the derived store)."""
    return data_dir() / "briefs.sqlite"


def prints_dir() -> Path:
    """Return the folder of briefs printed as PDF (Brief › Print), opened in the PDF viewer."""
    return data_dir() / "printed"


def bundled_store_dir() -> Path | None:
    """Return the prebuilt store shipped inside a frozen app, if there is one."""
    if not is_frozen():
        return None
    path = app_root() / "store"
    return path if path.is_dir() else None
