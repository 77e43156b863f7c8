"""The raw tools of a benchmark case, as one new Python process calling pandoc and Typst
directly (the way a script would, with nothing of papier loaded): run by bench.py."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROUND_SLUG = ""



def _chapters(paper: Path) -> list[str]:
    return [str(p) for p in sorted((paper / "text").glob("*.md"))]


def _papers(target: Path) -> list[Path]:
    """The paper folders a case names: papers/ (every paper in it) or one paper."""
    if target.name == "papers":
        return sorted(p for p in target.iterdir() if p.is_dir())
    return [target]


def main(args: list[str]) -> None:
    """The raw tools for one case, in this process (`raw.py ROUND_SLUG KIND [PATH]`)."""
    global ROUND_SLUG
    ROUND_SLUG, kind, rest = args[0], args[1], args[2:]
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    out = Path(tempfile.mkdtemp(prefix="raw-"))
    try:
        if kind in ("build", "pdf", "docx"):
            for paper in _papers(Path(rest[0])):
                _raw_paper(pandoc, paper, out, docx=kind != "pdf", pdf=kind != "docx")
        elif kind == "typeset":
            for paper in _papers(Path(rest[0])):
                _typeset(pandoc, paper, out)
        elif kind == "read":
            for paper in sorted(Path(rest[0]).iterdir()):
                for chapter in _chapters(paper):
                    subprocess.run([pandoc, "-f", "commonmark_x", "-t", "json", chapter, "-o",
                                    str(out / "x.json")], check=True)
        elif kind == "docx-read":
            import zipfile

            from lxml import etree

            with zipfile.ZipFile(next(Path("zurueck").glob("*.docx"))) as package:
                for name in ("word/document.xml", "word/comments.xml"):
                    etree.fromstring(package.read(name))
        elif kind == "yaml":
            _items()
        elif kind == "xlsx":
            import openpyxl

            items = _items()
            book = openpyxl.Workbook()
            sheet = book.active
            for item in items:
                sheet.append([str(item.get(k, "")) for k in ("id", "kind", "text", "decision", "response")])
            book.save(out / "x.xlsx")
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _typeset(pandoc: str, paper: Path, out: Path) -> None:
    """The raw tools with papier's typography: pandoc -o x.docx and pandoc -t typst on the
    chapters as above, but Typst compiles papier's own main.typ of the last build (brand
    font, justified and hyphenated German, PDF/UA-1 and PDF/A-2b) once: the one kept in
    typeset/ when the case forgets build/ (bench.py), else the one in build/."""
    import importlib.util

    import typst

    chapters = _chapters(paper)
    subprocess.run([pandoc, *chapters, "-o", str(out / "x.docx"), f"--resource-path={paper / 'text'}"],
                   check=True, capture_output=True)
    subprocess.run([pandoc, *chapters, "-t", "typst", "-s", "-o", str(out / "x.typ")], check=True)
    spec = importlib.util.find_spec("font_source_sans_pro")
    assert spec is not None and spec.submodule_search_locations
    fonts = str(Path(spec.submodule_search_locations[0]) / "files")
    main = Path("typeset") / paper.name / "main.typ"
    if not main.is_file():
        main = Path("build/.cache") / paper.name / "main.typ"
    typst.compile(str(main), output=str(out / "x.pdf"), root=".", font_paths=[fonts],
                  pdf_standards=["a-2b", "ua-1"])


def _items() -> list[dict[str, Any]]:
    import yaml

    text = (Path("papers") / ROUND_SLUG / "rounds" / "1" / "comments.yaml").read_text("utf-8")
    items: list[dict[str, Any]] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return items


def _raw_paper(pandoc: str, paper: Path, out: Path, docx: bool, pdf: bool) -> None:
    """pandoc -o x.docx and pandoc -t typst on the chapter files, then typst.compile."""
    chapters = _chapters(paper)
    text_dir = str(paper / "text")
    if docx:
        subprocess.run([pandoc, *chapters, "-o", str(out / "x.docx"), f"--resource-path={text_dir}"],
                       check=True, capture_output=True)
    if pdf:
        import typst

        typ = paper / "text" / "_raw.typ"  # beside the chapters: image paths stay relative
        subprocess.run([pandoc, *chapters, "-t", "typst", "-s", "-o", str(typ)], check=True)
        try:
            typst.compile(str(typ), output=str(out / "x.pdf"), root=str(paper))
        finally:
            typ.unlink()


if __name__ == "__main__":
    main(sys.argv[1:])
