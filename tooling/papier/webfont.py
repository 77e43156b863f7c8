"""The brand font for the web: WOFF2 subsets of exactly the characters a page uses,
as @font-face rules with data URLs, so that an HTML page looks like the PDF and needs no
other file.

Faces are found by family name, weight and slant in the brand's font folders (the name
and OS/2 tables, not file names). A subset is cached in build/.cache/webfonts under the
font file's content and the character set: a second build opens no font at all.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from papier import fsutil

# Subsets are also made of these, so that CSS-generated text and small edits in a
# preview do not fall back to another font: printable ASCII and German typography.
BASE_CHARS = frozenset(chr(c) for c in range(0x20, 0x7F)) | frozenset("äöüÄÖÜß„“‚‘–—…·€§°×")
_SUBSET_VERSION = "1"  # bump when the subsetting options change
_ITALIC_TAGS = {"em", "i", "cite", "dfn", "var"}
_BOLD_TAGS = {"strong", "b", "h1", "h2", "h3", "h4", "h5", "h6", "th", "dt"}
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


@dataclass(frozen=True)
class Face:
    family: str
    weight: int  # 400 regular, 700 bold
    italic: bool


@dataclass
class PageText:
    """The characters of a page's body, by the faces that draw them."""

    all: set[str]
    italic: set[str]
    bold_italic: set[str]
    headings: set[str]


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text = PageText(set(), set(), set(), set())
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.in_body = True
        elif tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not self.in_body or (self.stack and self.stack[-1] in ("script", "style")):
            return
        chars = set(data) - {"\n", "\r", "\t"}
        text = self.text
        text.all |= chars
        open_tags = set(self.stack)
        if open_tags & _ITALIC_TAGS:
            text.italic |= chars
            if open_tags & _BOLD_TAGS:
                text.bold_italic |= chars
        if open_tags & _HEADING_TAGS:
            text.headings |= chars


def page_text(html: str) -> PageText:
    """The characters in *html*'s body (text, not markup or attributes), plus the text of
    CSS ``content:`` strings in the page, by the faces that draw them."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    text = collector.text
    for match in re.finditer(r"""content:\s*(["'])(.*?)\1""", html):
        text.all |= set(match.group(2))
    return text


def _font_files(font_dirs: list[Path]) -> list[Path]:
    files = [p for d in font_dirs if d.is_dir() for p in sorted(d.iterdir())
             if p.suffix.lower() in (".ttf", ".otf")]
    return sorted(files, key=lambda p: (p.suffix.lower() != ".ttf", str(p)))  # TrueType first


def _index(font_dirs: list[Path], cache_dir: Path) -> list[tuple[str, int, bool, str]]:
    """(family, weight, italic, path) of every font file, cached under the files' names,
    sizes and times (reading two dozen name tables takes 60 ms)."""
    files = _font_files(font_dirs)
    stamp = json.dumps([(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files])
    path = cache_dir / f"index-{hashlib.sha256(stamp.encode()).hexdigest()[:20]}.json"
    if path.is_file():
        return [(str(f), int(w), bool(i), str(p)) for f, w, i, p in json.loads(path.read_text("utf-8"))]
    from fontTools.ttLib import TTFont  # noqa: PLC0415 - lazy: only when the fonts change

    rows = []
    for file in files:
        with TTFont(file, lazy=True) as font:
            names = font["name"]
            family = names.getDebugName(16) or names.getDebugName(1) or ""
            os2 = font["OS/2"]
            rows.append((family, int(os2.usWeightClass), bool(os2.fsSelection & 1), str(file)))
    fsutil.write_text(path, json.dumps(rows))
    return rows


def find_face(face: Face, font_dirs: list[Path], cache_dir: Path) -> Path | None:
    """The file of *face* (same family, same slant, nearest weight), or None."""
    wanted = face.family.casefold()
    found = [(abs(weight - face.weight), path) for family, weight, italic, path
             in _index(font_dirs, cache_dir) if family.casefold() == wanted and italic == face.italic]
    return Path(min(found)[1]) if found else None


def subset_woff2(font: Path, chars: set[str], cache_dir: Path) -> bytes:
    """A WOFF2 subset of *font* with *chars* (and the kerning and ligatures between them)."""
    text = "".join(sorted(chars))
    digest = hashlib.sha256(font.read_bytes())
    digest.update(f"{_SUBSET_VERSION}\0{text}".encode())
    path = cache_dir / f"{font.stem}-{digest.hexdigest()[:20]}.woff2"
    if path.is_file():
        return path.read_bytes()
    from fontTools import subset  # noqa: PLC0415 - lazy: fontTools loads in 0.15 s, only for a new subset

    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False  # screens today do without; a third smaller
    options.desubroutinize = True
    options.layout_features = ["kern", "liga", "clig", "calt", "ccmp", "locl", "mark", "mkmk", "lnum", "tnum"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep the copyright and the OFL licence
    loaded = subset.load_font(str(font), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(loaded)
    out = io.BytesIO()
    subset.save_font(loaded, out, options)
    data = out.getvalue()
    fsutil.write_bytes(path, data)
    return data


def _rule(family: str, face: Face, data: bytes) -> str:
    url = "data:font/woff2;base64," + base64.b64encode(data).decode("ascii")
    return (f'@font-face {{ font-family: "{_css_string(family)}"; '
            f"font-style: {'italic' if face.italic else 'normal'}; font-weight: {face.weight}; "
            f'font-display: swap; src: url("{url}") format("woff2"); }}')


def _css_string(text: str) -> str:
    """Text for a CSS string that cannot end the string or the <style> element."""
    return text.replace("\\", "\\5C ").replace('"', "\\22 ").replace("<", "\\3C ")


def font_face_css(html: str, body_family: str, heading_family: str, font_dirs: list[Path],
                  cache_dir: Path) -> str:
    """@font-face rules for the faces *html* uses (regular and bold, italic and bold italic
    where the page has them, the heading family's bold if it differs), each a WOFF2 subset
    of the page's characters; faces not found in *font_dirs* are left out."""
    text = page_text(html)
    wanted: list[tuple[Face, set[str]]] = [
        (Face(body_family, 400, False), text.all | BASE_CHARS),
        (Face(body_family, 700, False), text.all | BASE_CHARS),
    ]
    if text.italic:
        wanted.append((Face(body_family, 400, True), text.italic | BASE_CHARS))
    if text.bold_italic:
        wanted.append((Face(body_family, 700, True), text.bold_italic | BASE_CHARS))
    if heading_family.casefold() != body_family.casefold():
        wanted.append((Face(heading_family, 700, False), text.headings | BASE_CHARS))
    rules = []
    for face, chars in wanted:
        path = find_face(face, font_dirs, cache_dir)
        if path is not None:
            rules.append(_rule(face.family, face, subset_woff2(path, chars, cache_dir)))
    return "\n".join(rules)
