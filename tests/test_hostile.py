"""Hostile returned files and hostile values: what the user sees is one line naming the file
and the fix, no traceback, comments.yaml unchanged; what papier writes is readable as the
umask says and never a formula."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shlex
import struct
import subprocess
import sys
import threading
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from conftest import POSITION, REPO
from papier import fsutil
from papier.cli import main
from papier.ooxml import edit as ooxml
from papier.ooxml import package
from papier.ooxml.package import UnreadableFile, open_package, parse
from papier.ooxml.reader import read_docx
from papier.paper import load_paper
from papier.rounds.identity import identify_reviewer, reviewer_note
from papier.rounds.store import RoundError, open_round_of
from papier.workspace import Workspace
from readback import W
from roundkit import draft, open_round

pytestmark = pytest.mark.slow  # opens rounds and collects files through the CLI

FIXTURES = REPO / "tests" / "fixtures" / "word"
GIB = 1024**3


# ------------------------------------------------------------------ set-up


@pytest.fixture
def opened(workspace: Workspace, capsys) -> Workspace:
    """An open round with one file already collected, so that comments.yaml exists."""
    open_round(workspace)
    assert main(["round", "collect", POSITION, str(FIXTURES / "track_changes_insertion.docx"),
                 "--reviewer", "bmfsfj"]) == 0
    capsys.readouterr()
    return workspace


def comments_yaml(ws: Workspace) -> Path:
    return ws.papers_dir / POSITION / "rounds" / "1" / "comments.yaml"


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def zipped(parts: dict[str, bytes], raw: dict[str, bytes] | None = None,
           method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of *parts*; the entries in *raw* are stored as given (patch them afterwards)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        for name, data in (raw or {}).items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def patched(data: bytes, name: str, *, method: int | None = None, size: int | None = None,
            flags: int | None = None) -> bytes:
    """Rewrite compression method, unpacked size or flags of entry *name* in both its central
    directory entry and its local header, as a hostile tool would."""
    buf = bytearray(data)
    end = buf.rfind(b"PK\x05\x06")
    count, _, start = struct.unpack_from("<HII", buf, end + 10)
    at = start
    for _ in range(count):
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", buf, at + 28)
        if bytes(buf[at + 46: at + 46 + name_len]) == name.encode():
            (local,) = struct.unpack_from("<I", buf, at + 42)
            for header, method_at, size_at in ((at, 10, 24), (local, 8, 22)):
                if method is not None:
                    struct.pack_into("<H", buf, header + method_at, method)
                if size is not None:
                    struct.pack_into("<I", buf, header + size_at, size)
                if flags is not None:
                    struct.pack_into("<H", buf, header + method_at - 2, flags)
            return bytes(buf)
        at += 46 + name_len + extra_len + comment_len
    raise AssertionError(f"{name} not in the zip")


def zeros_deflated(size: int) -> bytes:
    """A raw deflate stream of *size* zero bytes (a multiple of 64 MiB), made in a moment:
    after a full flush the compressor starts afresh, so every 64 MiB packs to the same bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = packer.compress(b"\0" * (64 << 20)) + packer.flush(zlib.Z_FULL_FLUSH)
    return block * (size // (64 << 20)) + packer.flush()


def bomb(ws: Workspace, size: int = 2 * GIB, claimed: int = 1000) -> bytes:
    """The reviewer copy with a word/document.xml that unpacks to *size* bytes while both of
    its headers say *claimed*."""
    parts = parts_of(draft(ws))
    del parts["word/document.xml"]
    data = zipped(parts, raw={"word/document.xml": zeros_deflated(size)})
    return patched(data, "word/document.xml", method=zipfile.ZIP_DEFLATED, size=claimed)


def refused(ws: Workspace, capsys, path: Path, *extra: str) -> str:
    """Collect *path*: exit code 1, exactly one line about it, no traceback, comments.yaml
    untouched, nothing stored; returns the line."""
    before = comments_yaml(ws).read_bytes()
    returned = sorted((comments_yaml(ws).parent / "returned").iterdir())
    assert main(["round", "collect", POSITION, str(path), *extra]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out
    lines = out.err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"FAILED {path}: ")
    assert comments_yaml(ws).read_bytes() == before
    assert sorted((comments_yaml(ws).parent / "returned").iterdir()) == returned
    return lines[0]


def within(seconds: float, call: Callable[[], object]) -> tuple[bool, BaseException | None]:
    """(finished in time, what it raised)."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as exc:  # handed to the test
            raised.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive(), (raised[0] if raised else None)


# ------------------------------------------------------------------ 1 the package opener


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_named_pipe_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "x.docx"
    os.mkfifo(fifo)
    try:
        finished, raised = within(5, lambda: read_docx(fifo))
    finally:  # before the fix the reader waits for a writer: give it one, and EOF
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert finished, "reading a named pipe must not wait for a writer"
    assert isinstance(raised, UnreadableFile)
    assert str(raised) == (f"{fifo}: is a named pipe, not a file; papier reads only .docx files "
                           "saved on disk")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_symlink_to_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "x.docx"
    link.symlink_to("/dev/zero")
    finished, raised = within(5, lambda: open_package(link))
    assert finished
    assert isinstance(raised, UnreadableFile)
    assert str(raised).startswith(f"{link}: is a device, not a file")


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(),
                    reason="no named pipes or no /dev/zero here")
def test_collect_refuses_pipe_and_device(opened: Workspace, capsys) -> None:
    fifo = opened.root / "rohr.docx"
    os.mkfifo(fifo)
    zero = opened.root / "null.docx"
    zero.symlink_to("/dev/zero")
    lines: list[str] = []
    try:
        for path in (fifo, zero):
            finished, raised = within(10, lambda p=path: lines.append(
                refused(opened, capsys, p, "--reviewer", "bmfsfj")))
            assert finished and raised is None, raised
    finally:
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert lines == [f"FAILED {fifo}: is a named pipe, not a file; papier reads only .docx files "
                     "saved on disk",
                     f"FAILED {zero}: is a device, not a file; papier reads only .docx files "
                     "saved on disk"]


def test_file_over_the_size_cap_is_refused_before_reading(opened: Workspace, capsys,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    big = opened.root / "gross.docx"
    with open(big, "wb") as handle:  # sparse: 100 MB and one byte of nothing
        handle.truncate(package.MAX_FILE + 1)
    monkeypatch.setattr(zipfile, "ZipFile", None)  # nothing may get as far as the zip
    line = refused(opened, capsys, big, "--reviewer", "bmfsfj")
    assert line == (f"FAILED {big}: is larger than 100 MB; not read. Ask the reviewer to compress "
                    "the pictures (File › Compress Pictures) and send it again")


def test_zip_bomb_with_understated_headers(opened: Workspace, capsys) -> None:
    """Both headers say 1000 bytes; the stream unpacks to 2 GiB of zeros."""
    path = opened.root / "bombe.docx"
    path.write_bytes(bomb(opened))
    info = zipfile.ZipFile(path).getinfo("word/document.xml")
    assert info.file_size == 1000 and info.compress_size < 3 * 1024 * 1024
    line = refused(opened, capsys, path, "--reviewer", "bmfsfj")
    assert line.startswith(f"FAILED {path}: part word/document.xml unpacks to more than ")
    assert line.endswith("; not read (zip bomb?)")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory read from /proc")
def test_zip_bomb_memory_stays_small(opened: Workspace) -> None:
    """The whole `papier round collect` of the 2 GiB bomb, in a process of its own."""
    path = opened.root / "bombe.docx"
    path.write_bytes(bomb(opened))
    # VmHWM: the peak of this process's own memory (ru_maxrss would count what the pytest
    # process had when it forked)
    script = ("import sys\n"
              "from papier.cli import main\n"
              "code = main(sys.argv[1:])\n"
              "status = open('/proc/self/status').read().splitlines()\n"
              "print(next(s for s in status if s.startswith('VmHWM:')), file=sys.stderr)\n"
              "sys.exit(code)\n")
    env = {k: v for k, v in os.environ.items() if k != "PAPIER_ROOT"}
    done = subprocess.run([sys.executable, "-c", script, "round", "collect", POSITION, str(path),
                           "--reviewer", "bmfsfj"], cwd=opened.root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    failed, peak = done.stderr.splitlines()
    assert "(zip bomb?)" in failed
    peak_mb = int(peak.split()[1]) / 1024  # VmHWM: 123456 kB
    print(f"peak memory collecting a 2 GiB zip bomb: {peak_mb:.0f} MB")
    assert peak_mb < 120


def test_part_past_the_cap_at_a_plausible_ratio(opened: Workspace, capsys,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Text that packs only ~2:1 passes the ratio check; the cap on bytes produced holds."""
    monkeypatch.setattr(package, "MAX_PART", 256 * 1024)
    parts = parts_of(draft(opened))
    noise = os.urandom(512 * 1024).hex().encode()  # 1 MiB of hex digits
    packed = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    raw = packed.compress(b"<a>" + noise + b"</a>") + packed.flush()
    del parts["word/document.xml"]
    path = opened.root / "lang.docx"
    path.write_bytes(patched(zipped(parts, raw={"word/document.xml": raw}), "word/document.xml",
                             method=zipfile.ZIP_DEFLATED, size=4000))
    line = refused(opened, capsys, path, "--reviewer", "bmfsfj")
    assert line == (f"FAILED {path}: part word/document.xml unpacks to more than 262144 bytes; "
                    "not read (zip bomb?)")


def test_parts_past_the_total_cap(opened: Workspace, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    """The headers add up to less than the cap; what the parts really unpack to does not."""
    parts = {n: d for n, d in parts_of(draft(opened)).items() if n.endswith((".xml", ".rels"))}
    parts["word/zz.xml"] = b"<a>" + b"x" * 200_000 + b"</a>"  # read last
    path = opened.root / "alles.docx"
    path.write_bytes(patched(zipped(parts), "word/zz.xml", size=10))
    claimed = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    monkeypatch.setattr(package, "MAX_XML", claimed + 100, raising=False)
    line = refused(opened, capsys, path, "--reviewer", "bmfsfj")
    assert line == (f"FAILED {path}: part word/zz.xml unpacks to more than 110 bytes; not read "
                    "(zip bomb?)")


def test_doctype_in_utf16_is_refused(opened: Workspace, capsys) -> None:
    document = (f'<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE w:document [<!ENTITY e "Ha">]>'
                f'<w:document xmlns:w="{W[1:-1]}"><w:body><w:p><w:r><w:t>&e;</w:t></w:r></w:p>'
                '</w:body></w:document>').encode("utf-16")
    assert b"<!DOCTYPE" not in document and b"<!ENTITY" not in document  # the byte search misses it
    path = opened.root / "utf16.docx"
    path.write_bytes(zipped({**parts_of(draft(opened)), "word/document.xml": document}))
    line = refused(opened, capsys, path, "--reviewer", "bmfsfj")
    assert line == (f"FAILED {path}: part word/document.xml declares a DOCTYPE or entities, which "
                    "no word processor writes; not read (unsafe XML)")
    with pytest.raises(UnreadableFile, match=r"word/document\.xml declares a DOCTYPE"):
        parse({"word/document.xml": document}, "word/document.xml", "x.docx")  # parts from elsewhere


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32"])
def test_doctype_in_a_part_never_parsed_is_refused_too(opened: Workspace, codec: str) -> None:
    """A DTD in settings.xml (which the reader does not use), in an encoding without BOM."""
    settings = (f'<?xml version="1.0" encoding="{codec.upper()}"?>\n<!DOCTYPE w:settings '
                f'[<!ENTITY e "Ha">]><w:settings xmlns:w="{W[1:-1]}"/>').encode(codec)
    path = opened.root / "settings.docx"
    path.write_bytes(zipped({**parts_of(draft(opened)), "word/settings.xml": settings}))
    with pytest.raises(UnreadableFile) as caught:
        open_package(path)
    assert str(caught.value) == (f"{path}: part word/settings.xml declares a DOCTYPE or entities, "
                                 "which no word processor writes; not read (unsafe XML)")


def test_other_compression_methods_are_refused(opened: Workspace, capsys) -> None:
    """bzip2 unpacks without a bound per read; Word only ever deflates or stores."""
    parts = parts_of(draft(opened))
    path = opened.root / "bzip.docx"
    path.write_bytes(zipped(parts, method=zipfile.ZIP_BZIP2))
    line = refused(opened, capsys, path, "--reviewer", "bmfsfj")
    assert line == (f"FAILED {path}: part [Content_Types].xml is packed with a method Word never uses "
                    "(zip method 12); ask for the .docx file again")


def test_encrypted_zip_entry_is_refused(opened: Workspace, capsys) -> None:
    path = opened.root / "verschluesselt.docx"
    path.write_bytes(patched(zipped(parts_of(draft(opened))), "word/document.xml", flags=0x1))
    line = refused(opened, capsys, path, "--reviewer", "bmfsfj")
    assert line == (f"FAILED {path}: part word/document.xml is encrypted inside the zip package, "
                    "which Word never does; ask the reviewer for the .docx file without a password")


def test_header_lying_about_a_small_size_is_damage(opened: Workspace, capsys) -> None:
    """Not a bomb: refused as damage, as before, now saying which sizes disagree."""
    path = opened.root / "gelogen.docx"
    path.write_bytes(patched(zipped(parts_of(draft(opened))), "word/styles.xml", size=10))
    line = refused(opened, capsys, path, "--reviewer", "bmfsfj")
    assert line.startswith(f"FAILED {path}: the zip package is damaged (word/styles.xml unpacks to ")
    assert line.endswith("its header says 10); ask for the file again")


def test_huge_central_directory_is_refused(opened: Workspace, capsys,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(package, "MAX_DIRECTORY", 64 * 1024, raising=False)
    parts = parts_of(draft(opened))
    parts.update({f"customXml/leer{i}.bin": b"" for i in range(2000)})
    path = opened.root / "viele.docx"
    path.write_bytes(zipped(parts))
    line = refused(opened, capsys, path, "--reviewer", "bmfsfj")
    assert line == (f"FAILED {path}: lists far more parts than a Word document has; not read "
                    "(zip bomb?)")


def test_real_files_read_as_before(opened: Workspace) -> None:
    """Every real reviewer file of the fixtures still opens, and each part as stored."""
    files = sorted((REPO / "tests" / "fixtures").rglob("*.docx"))
    assert len(files) > 5
    for path in [*files, draft(opened)]:
        parts = open_package(path)
        stored = parts_of(path)
        assert parts == {n: d for n, d in stored.items() if n.endswith((".xml", ".rels"))}


# ------------------------------------------------------------------ 2 file modes


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_follow_the_umask(opened: Workspace, capsys, mask: int, mode: int) -> None:
    old = os.umask(mask)
    try:
        plain = opened.root / "out" / "plain.txt"
        fsutil.write_text(plain, "x")
        outs = [plain]
        for fmt in ("xlsx", "csv", "md", "docx"):
            assert main(["round", "matrix", POSITION, "--to", fmt]) == 0
            outs.append(Path(capsys.readouterr().out.strip().split()[-1]))
        assert main(["round", "decide", POSITION, "R1-001", "--accept"]) == 0  # comments.yaml
        outs.append(comments_yaml(opened))
    finally:
        os.umask(old)
    for path in outs:
        assert path.exists(), path
        assert path.stat().st_mode & 0o777 == mode, path
    assert not [p for p in plain.parent.iterdir() if p.name.startswith(".")]  # no temp file left


def test_umask_is_read_without_changing_it() -> None:
    old = os.umask(0o027)
    try:
        assert fsutil.umask() == 0o027
        assert fsutil.umask() == 0o027
    finally:
        os.umask(old)


# ------------------------------------------------------------------ 3 formula injection


def add_comments(path: Path, starts_with: str, texts: list[str]) -> None:
    """Comments on the first run of a paragraph, as Word writes them (range + reference)."""
    parts = parts_of(path)
    root = etree.fromstring(parts["word/document.xml"])
    target = next(p for p in root.iter(f"{W}p")
                  if "".join(t.text or "" for t in p.iter(f"{W}t")).startswith(starts_with))
    comments = etree.fromstring(parts["word/comments.xml"])
    first_run = next(target.iter(f"{W}r"))
    for number, text in enumerate(texts, 70):
        first_run.addprevious(etree.Element(f"{W}commentRangeStart", {f"{W}id": str(number)}))
        first_run.addnext(etree.Element(f"{W}commentRangeEnd", {f"{W}id": str(number)}))
        ref = etree.SubElement(target, f"{W}r")
        etree.SubElement(ref, f"{W}commentReference", {f"{W}id": str(number)})
        comment = etree.SubElement(comments, f"{W}comment", {
            f"{W}id": str(number), f"{W}author": "Jonas Muster",
            f"{W}date": f"2026-11-30T11:{number:02d}:00Z", f"{W}initials": "JM"})
        paragraph = etree.SubElement(comment, f"{W}p")
        etree.SubElement(etree.SubElement(paragraph, f"{W}r"), f"{W}t").text = text
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    parts["word/comments.xml"] = etree.tostring(comments, xml_declaration=True, encoding="UTF-8")
    path.write_bytes(zipped(parts))


FORMULAS = ["=sum(A1:A3) stimmt nicht", "+49 30 1234567 anrufen", "-1 Prozent?",
            "@SUMME(1+1)*cmd|' /C calc'!A0", '=HYPERLINK("http://example.org/?x="&A1;"klick")']


def test_matrix_cells_are_never_formulas(opened: Workspace, capsys) -> None:
    returned = opened.root / "formeln.docx"
    returned.write_bytes(draft(opened, "stadt-ludwigsburg").read_bytes())
    add_comments(returned, "Kinder wachsen nicht in Zuständigkeiten auf", FORMULAS)
    assert main(["round", "collect", POSITION, str(returned)]) == 0
    for fmt in ("xlsx", "csv", "md"):
        assert main(["round", "matrix", POSITION, "--to", fmt]) == 0
    capsys.readouterr()
    folder = comments_yaml(opened).parent
    from openpyxl import load_workbook

    sheet = load_workbook(folder / "kommentarmatrix-runde-1.xlsx").active
    cells = {c.value: c for row in sheet.iter_rows(min_row=2) for c in row}
    for text in FORMULAS:
        assert text in cells, text
        assert cells[text].data_type == "s" and cells[text].quotePrefix
    assert all(c.data_type == "s" for c in cells.values() if c.value is not None)
    with zipfile.ZipFile(folder / "kommentarmatrix-runde-1.xlsx") as book:
        xml = etree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    main_ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    assert xml.find(f".//{main_ns}f") is None
    with open(folder / "kommentarmatrix-runde-1.csv", encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle, delimiter=";"))
    flat = [cell for row in table[1:] for cell in row]
    for text in FORMULAS:
        assert f"'{text}" in flat
    assert not [cell for cell in flat if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    markdown = (folder / "kommentarmatrix-runde-1.md").read_text("utf-8")
    assert "| =sum(A1:A3) stimmt nicht |" in markdown  # Markdown shows it as written


# ------------------------------------------------------------------ 4 who returned the file


def with_properties(ws: Workspace, name: str, **props: str) -> Path:
    path = ws.root / name
    path.write_bytes(draft(ws).read_bytes())
    ooxml.set_custom_properties(path, {"papier.paper": POSITION, "papier.round": "1",
                                       "papier.reviewer": "bmfsfj", **props})
    return path


def test_reviewer_option_wins_over_the_file(opened: Workspace, capsys) -> None:
    path = with_properties(opened, "falsch.docx")
    add_comments(path, "Kinder wachsen nicht in Zuständigkeiten auf", ["Quelle?"])
    rnd = open_round_of(load_paper(opened, POSITION))
    reading = read_docx(path)
    assert identify_reviewer(rnd, reading, path, "stadt-ludwigsburg") == "stadt-ludwigsburg"
    assert reviewer_note(rnd, reading, path, "stadt-ludwigsburg") == (
        f"{path}: the file names reviewer 'bmfsfj', --reviewer says 'stadt-ludwigsburg'; "
        "collected as 'stadt-ludwigsburg'")
    assert reviewer_note(rnd, reading, path, "bmfsfj") is None
    assert reviewer_note(rnd, reading, path, None) is None
    assert identify_reviewer(rnd, reading, path, None) == "bmfsfj"
    assert main(["round", "collect", POSITION, str(path), "--reviewer", "stadt-ludwigsburg"]) == 0
    out = capsys.readouterr()
    assert "stadt-ludwigsburg: 1 new item(s)" in out.out
    assert f"NOTE {path}: the file names reviewer 'bmfsfj'" in out.err
    assert "reviewer: stadt-ludwigsburg" in comments_yaml(opened).read_text("utf-8")


def test_unknown_reviewer_in_the_file(opened: Workspace, capsys) -> None:
    path = with_properties(opened, "fremd.docx", **{"papier.reviewer": "niemand"})
    line = refused(opened, capsys, path)
    assert line == (f"FAILED {path}: reviewer 'niemand' named in the file is not in round 1 "
                    "(reviewers: bmfsfj, stadt-ludwigsburg); pass --reviewer ID")
    line = refused(opened, capsys, path, "--reviewer", "keiner")
    assert "pass --reviewer ID" not in line
    assert line == (f"FAILED {path}: reviewer 'keiner' is not in round 1 (reviewers: bmfsfj, "
                    "stadt-ludwigsburg); give one of them to --reviewer")
    assert main(["round", "collect", POSITION, str(path), "--reviewer", "bmfsfj"]) == 0
    capsys.readouterr()


def test_hostile_paper_property_is_quoted(opened: Workspace, capsys) -> None:
    hostile = "../../x; rm -rf ~"
    path = with_properties(opened, "boese datei.docx", **{"papier.paper": hostile})
    before = sorted(p.relative_to(opened.root) for p in opened.root.rglob("*"))
    line = refused(opened, capsys, path, "--reviewer", "bmfsfj")
    prose, command = line.split("; collect it there: ")
    assert prose == (f"FAILED {path}: this file is a draft of paper '{hostile}', not '{POSITION}'")
    assert command == f"papier round collect '{hostile}' '{path}'"
    assert shlex.split(command) == ["papier", "round", "collect", hostile, str(path)]
    assert sorted(p.relative_to(opened.root) for p in opened.root.rglob("*")) == before


def test_control_characters_from_the_file_stay_on_one_line(opened: Workspace, capsys) -> None:
    path = with_properties(opened, "zeilen.docx", **{"papier.paper": "a\nFAILED nichts\tb"})
    line = refused(opened, capsys, path)
    assert "'a\\nFAILED nichts\\tb'" in line and "papier round collect" not in line
    rnd = open_round_of(load_paper(opened, POSITION))
    with pytest.raises(RoundError, match="in round 9\\\\n"):
        identify_reviewer(rnd, read_docx(with_properties(opened, "runde.docx", **{"papier.round": "9\n"})),
                          path, None)
