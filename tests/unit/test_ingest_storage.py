"""Local file storage and the storage key layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.storage import LocalFileStorage, build_storage, material_key, safe_filename


def test_local_round_trip_and_prefix_delete(tmp_path: Path) -> None:
    storage = LocalFileStorage(tmp_path / "files")
    a = material_key("c1", "d1", "intro.md")
    b = material_key("c1", "d1", "old.md")
    other = material_key("c1", "d2", "x.pdf")
    assert a == "courses/c1/materials/d1/intro.md"
    storage.put(a, b"# hi", "text/markdown")
    storage.put(b, b"old")
    storage.put(other, b"%PDF")
    storage.put(a, b"# hi again")  # overwrite
    assert storage.get(a) == b"# hi again"
    assert storage.exists(a) and not storage.exists("courses/c1/materials/d1/missing.md")
    assert storage.list_keys("courses/c1/materials/d1/") == [a, b]
    assert storage.delete_prefix("courses/c1/materials/d1/") == 2
    assert not storage.exists(a) and storage.exists(other)
    assert not (tmp_path / "files" / "courses" / "c1" / "materials" / "d1").exists()  # empty folders pruned
    storage.delete(other)
    storage.delete(other)  # deleting twice is fine
    with pytest.raises(FileNotFoundError):
        storage.get(other)


def test_keys_cannot_escape_the_root(tmp_path: Path) -> None:
    storage = LocalFileStorage(tmp_path / "files")
    with pytest.raises(ValueError):
        storage.put("../outside.txt", b"x")
    with pytest.raises(ValueError):
        material_key("c1", "..", "x.md")
    with pytest.raises(ValueError):
        material_key("c/1", "d", "x.md")
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\me\\notes.txt") == "notes.txt"
    assert safe_filename("..") == "file"


def test_build_storage_defaults_to_local(tmp_path: Path) -> None:
    assert isinstance(build_storage(bucket=None, local_root=tmp_path), LocalFileStorage)
