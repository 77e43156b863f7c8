"""One review, two formats: LibreOffice edits a reviewer copy once (tests/libreoffice/edits.py,
the way a reviewer works by hand with change recording on) and saves the same document as
.docx and as .odt (LibreOffice's own format). Each file is collected in its own copy of the
workspace; the items must be the same: kinds, authors, dates, texts, anchors (file, line,
block, quote, context), threads and resolved state. Then every item is accepted and applied
from the ODT alone, and the chapters read as the reviewer edited them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ANALYSIS, POSITION
from papier.cli import main
from papier.workspace import Workspace
from roundkit import items
from test_fidelity_libreoffice import (
    EDITS,
    POSITION_CASES,
    accept_all_and_apply,
    assert_text_is,
    by_hand,
    collect,
    draft,
    summary,
    uno_python,  # noqa: F401 - a fixture
)

pytestmark = pytest.mark.slow  # LibreOffice edits reviewer copies of opened rounds

REVIEWERS = """\
- id: bmfsfj
  name: Dr. Maria Beispiel
  organisation: Bundesministerium (Beispiel)
  email: maria.beispiel@example.org
"""


def _opened(ws: Workspace, slug: str, capsys) -> Workspace:
    (ws.root / "reviewers.yaml").write_text(REVIEWERS, encoding="utf-8")
    assert main(["round", "open", slug, "--reviewers", str(ws.root / "reviewers.yaml")]) == 0
    capsys.readouterr()
    return ws


def _both(ws: Workspace, slug: str, python: str, tmp_path: Path, cases: list[str]) -> tuple[Path, Path]:
    """The reviewer copy edited once by LibreOffice and saved as .docx and as .odt."""
    import re
    import zipfile

    from roundkit import zip_parts

    with zipfile.ZipFile(draft(ws, slug)) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    # headless UNO does not load a file whose tracked changes are protected
    parts["word/settings.xml"] = re.sub(rb"<w:documentProtection[^>]*/>", b"", parts["word/settings.xml"])
    copy = tmp_path / "kopie.docx"
    copy.write_bytes(zip_parts(parts))
    docx = tmp_path / f"{slug}-v0.1.0-bmfsfj-zurueck.docx"
    odt = tmp_path / f"{slug}-v0.1.0-bmfsfj-zurueck.odt"
    run = subprocess.run([python, str(EDITS), str(copy), str(docx), "--odt", str(odt), *cases],
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0 and docx.is_file() and odt.is_file(), run.stderr[-3000:]
    with zipfile.ZipFile(odt) as zf:  # really LibreOffice's own format, not a renamed DOCX
        assert zf.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        assert b"<text:tracked-changes" in zf.read("content.xml")
    return docx, odt


def _comparable(entry) -> dict:
    """An item without what names the file it came from (its stored name, hash, ids)."""
    out = {k: v for k, v in entry.items() if k not in ("source",)}
    anchor = dict(out.get("anchor") or {})
    anchor.pop("offset", None)  # the offset counts text as the format writes it (same here)
    out["anchor"] = anchor
    return out


def _twin(ws: Workspace, tmp_path: Path) -> Workspace:
    """A second workspace with exactly the same opened round (a copy of the first)."""
    root = tmp_path / "zwilling"
    shutil.copytree(ws.root, root, symlinks=True)
    return Workspace(root)


@pytest.mark.parametrize(("slug", "cases"), [
    (POSITION, POSITION_CASES),
    (ANALYSIS, ["delete-list-item", "delete-heading-analysis"]),
])
def test_the_same_review_as_docx_and_as_odt_gives_the_same_items(
        workspace: Workspace, uno_python: str, tmp_path: Path, capsys, monkeypatch,  # noqa: F811
        slug: str, cases: list[str]) -> None:
    ws = _opened(workspace, slug, capsys)
    docx, odt = _both(ws, slug, uno_python, tmp_path, cases)
    twin = _twin(ws, tmp_path)

    from_docx = collect(ws, slug, docx, capsys)
    monkeypatch.chdir(twin.root)
    from_odt = collect(twin, slug, odt, capsys)
    assert len(from_odt) == len(from_docx) >= len(cases), summary(from_odt)
    for a, b in zip(from_docx, from_odt, strict=True):
        assert _comparable(b) == _comparable(a), f"{a['id']}:\nDOCX {a}\nODT  {b}"
    stored = [e["source"]["file"] for e in items(twin, slug)]
    assert all(s.endswith(".odt") for s in stored), stored  # kept as it came, in its format

    accept_all_and_apply(twin, slug, from_odt, capsys)
    assert_text_is(twin, slug, by_hand(twin, slug, cases), bold_ok=True)
