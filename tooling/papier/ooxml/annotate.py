"""Write comments, threaded replies and tracked changes into an existing DOCX, the way
Word records them: w:ins/w:del around whole runs, paragraph marks marked in pPr/rPr,
comments with w14:paraId and word/commentsExtended.xml for threads and resolved state,
revision ids unique in the package. Positions are offsets in a story's text as sent, as
papier.ooxml.reader reads them; the runs are split so that every position papier needs is
a boundary between runs.

Used by the Gesamtfassung (papier.rounds.merge) and the answers to reviewers
(papier.rounds.reply); nothing here knows about rounds."""

from __future__ import annotations

import copy
import hashlib
import io
import itertools
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from papier import fsutil
from papier.ooxml.changes import Story
from papier.ooxml.names import W14, W15, names_for
from papier.ooxml.package import open_package, parse, read_file
from papier.ooxml.reader import Reading, read_parts
from papier.ooxml.story import Piece, StoryWalker, local

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
EXTENDED_REL = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
EXTENDED_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"
WRAPPERS = frozenset(f"{{{W}}}{t}" for t in ("ins", "del", "moveFrom", "moveTo"))
TEXT_TAGS = {f"{{{W}}}t": f"{{{W}}}delText", f"{{{W}}}instrText": f"{{{W}}}delInstrText"}


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass(frozen=True)
class Author:
    """Who a comment or revision is by, as Word records it."""

    name: str
    date: str | None = None
    initials: str = ""

    def attrs(self, ident: int | str) -> dict[str, str]:
        out = {w("id"): str(ident), w("author"): self.name}
        if self.date:
            out[w("date")] = self.date
        return out


class Package:
    """A DOCX opened for editing: every entry kept as it was, XML parts parsed on demand,
    written back atomically."""

    def __init__(self, path: Path, data: bytes | None = None) -> None:
        self.path = path
        data = read_file(path) if data is None else data
        self.parts = open_package(path, data)  # the safe reader's checks, XML parts only
        with zipfile.ZipFile(io.BytesIO(data)) as zf:  # the rest (pictures …) as it is
            self.names = zf.namelist()
            self.entries = {name: zf.read(name) for name in self.names if name not in self.parts}
        self.trees: dict[str, etree._Element] = {}

    def tree(self, name: str) -> etree._Element | None:
        if name not in self.trees:
            if name not in self.parts:
                return None
            root = parse(self.parts, name, str(self.path))
            if root is None:
                return None
            self.trees[name] = root
        return self.trees[name]

    def put(self, name: str, root: etree._Element, content_type: str = "",
            relationship: str = "") -> None:
        """Add or replace part *name* (word/…); a new part gets its content type and, with
        *relationship*, a relationship from word/document.xml."""
        self.trees[name] = root
        if name in self.names:
            return
        self.names.append(name)
        if content_type:
            types = self.tree("[Content_Types].xml")
            assert types is not None
            etree.SubElement(types, f"{{{CT_NS}}}Override", PartName=f"/{name}",
                             ContentType=content_type)
        if relationship:
            rels = self.tree("word/_rels/document.xml.rels")
            assert rels is not None
            taken = {r.get("Id") for r in rels}
            number = len(taken) + 1
            while f"rId{number}" in taken:
                number += 1
            etree.SubElement(rels, f"{{{REL_NS}}}Relationship", Id=f"rId{number}", Type=relationship,
                             Target=name.removeprefix("word/"))

    def reading(self) -> Reading:
        """The package as papier reads a reviewer's file, its pieces pointing into self.trees
        (read_parts sets the walker's namespaces from the main part, parsed once)."""
        walker = StoryWalker(names_for(""), keep=True)
        return read_parts(self.parts, str(self.path), walker, self.trees)

    def save(self, out: Path) -> None:
        with fsutil.atomic_path(out) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in self.names:
                root = self.trees.get(name)
                if root is None:
                    data = self.entries[name] if name in self.entries else self.parts.get(name, b"")
                else:
                    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                zf.writestr(name, data)

    def refresh(self) -> None:
        """After edits: the parsed trees become the parts the next reading sees."""
        for name, root in self.trees.items():
            self.parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                              standalone=True)
        self.trees = {}


# ------------------------------------------------------------------ runs and boundaries

def _run_of(piece: Piece) -> etree._Element:
    """The w:r a text piece or an object sits in."""
    el = piece.el
    assert el is not None
    if local(el) == "r":
        return el
    run = el.getparent()
    assert run is not None
    return run


def _split_run(run: etree._Element, child: etree._Element) -> etree._Element:
    """Split *run* before its child *child*; the new run (from *child* on) is returned."""
    new = etree.Element(w("r"))
    rpr = run.find(w("rPr"))
    if rpr is not None:
        new.append(copy.deepcopy(rpr))
    moving = False
    for sub in list(run):
        moving = moving or sub is child
        if moving:
            new.append(sub)
    run.addnext(new)
    return new


def split_at(reading: Reading, cuts: dict[int, set[int]]) -> None:
    """Make every offset in *cuts* (story index -> offsets) a boundary between runs: text
    is split there, and a run holding such a boundary gets one run per content child."""
    for index, offsets in cuts.items():
        story = reading.stories[index]
        for piece in list(story.stream):
            if piece.mark or not piece.in_original or piece.el is None:
                continue
            start = story.at[id(piece)]
            end = start + len(piece.text)
            inside = sorted(o for o in offsets if start < o < end)
            el = piece.el
            if local(el) == "r":  # an object
                if start in offsets or end in offsets:
                    _atomize(el)
                continue
            if inside and local(el) == "t":
                text = el.text or ""
                cuts_at = [start, *inside, end]
                el.text = text[: inside[0] - start]
                el.set(XML_SPACE, "preserve")
                last = el
                for a, b in itertools.pairwise(cuts_at[1:]):
                    new = etree.Element(w("t"))
                    new.text = text[a - start:b - start]
                    new.set(XML_SPACE, "preserve")
                    last.addnext(new)
                    last = new
            if inside or start in offsets or end in offsets:
                _atomize(el.getparent())


def _atomize(run: etree._Element | None) -> None:
    """One run per content child of *run* (each with the run's properties)."""
    if run is None or local(run) != "r":
        return
    current = run
    for child in [c for c in run if local(c) != "rPr"][1:]:
        current = _split_run(current, child)


# ------------------------------------------------------------------ places in a story

@dataclass
class Spot:
    """A place in the XML: insert before *before*, or append to *parent*."""

    paragraph: etree._Element
    after: etree._Element | None = None  # insert right after this element
    before: etree._Element | None = None  # else right before this one


class Text:
    """The runs of one story after split_at: which runs a range covers, where a point is."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.items: list[tuple[int, Piece]] = [
            (story.at[id(p)], p) for p in story.stream if p.in_original]

    def runs(self, start: int, end: int) -> list[etree._Element]:
        """The runs whose text as sent lies in [start, end), in order (each run once)."""
        out: list[etree._Element] = []
        for at, piece in self.items:
            if piece.mark or not start <= at < end or at + len(piece.text) > end:
                continue
            run = _run_of(piece)
            if run is not None and (not out or out[-1] is not run):
                out.append(run)
        return out

    def marks(self, start: int, end: int) -> list[etree._Element]:
        """The paragraphs whose mark lies in [start, end)."""
        return [p.el for at, p in self.items if p.mark and start <= at < end and p.el is not None]

    def paragraph_at(self, offset: int) -> etree._Element:
        """The paragraph that holds *offset* (a mark belongs to the paragraph it ends)."""
        for at, piece in self.items:
            if piece.mark and at >= offset:
                assert piece.el is not None
                return piece.el
        last = self.items[-1][1].el
        assert last is not None
        return last

    def spot(self, offset: int) -> Spot:
        """Where text inserted at *offset* goes: after the run that ends there in the same
        paragraph, else before the run that starts there, else at the paragraph's end."""
        para = self.paragraph_at(offset)
        ending = starting = None
        for at, piece in self.items:
            if piece.mark:
                continue
            run = _run_of(piece)
            if _paragraph_of(run) is not para:
                continue
            if at + len(piece.text) == offset:
                ending = run
            if at == offset and starting is None:
                starting = run
        if ending is not None and (starting is None or ending.getparent() is para):
            return Spot(para, after=outer(ending))
        if starting is not None:
            return Spot(para, before=outer(starting))
        return Spot(para)


def _paragraph_of(el: etree._Element) -> etree._Element | None:
    node = el.getparent()
    while node is not None and local(node) != "p":
        node = node.getparent()
    return node


def outer(el: etree._Element) -> etree._Element:
    """The element with the revisions around *el* (w:del, w:ins) it sits in."""
    parent = el.getparent()
    while parent is not None and parent.tag in WRAPPERS:
        el, parent = parent, parent.getparent()
    return el


def range_end(el: etree._Element) -> etree._Element:
    """Where a comment range or bookmark can start or end for *el*: *el* itself, the run of a
    run marked through its properties, or for a paragraph mark (or a paragraph) the
    paragraph's last content."""
    parent = el.getparent()
    para: etree._Element | None = el
    if parent is not None and local(parent) == "rPr":
        owner = parent.getparent()
        if owner is not None and local(owner) == "r":
            return owner
        para = owner.getparent() if owner is not None else None  # pPr -> p
    if para is None or local(para) != "p":
        return el
    content = [c for c in para if local(c) != "pPr"]
    return content[-1] if content else etree.SubElement(para, w("r"))


def place(spot: Spot, elements: Iterable[etree._Element]) -> etree._Element | None:
    """Insert *elements* at *spot*, in order; the last one inserted (None if none)."""
    last = None
    for el in elements:
        if last is not None:
            last.addnext(el)
        elif spot.after is not None:
            spot.after.addnext(el)
        elif spot.before is not None:
            spot.before.addprevious(el)
        else:
            spot.paragraph.append(el)
        last = el
    return last


# ------------------------------------------------------------------ revisions

class Revisions:
    """Tracked changes with ids unique in the package (above every w:id already used)."""

    def __init__(self, trees: Iterable[etree._Element]) -> None:
        values = (str(el.get(w("id"), "")) for root in trees for el in root.iter())
        used = [int(v) for v in values if v.lstrip("-").isdigit()]
        self.next = max(used, default=0) + 1

    def take(self) -> int:
        self.next += 1
        return self.next - 1

    def delete(self, runs: list[etree._Element], who: Author) -> list[etree._Element]:
        """Wrap *runs* in w:del (neighbouring runs with the same parent in one)."""
        wrappers: list[etree._Element] = []
        last: etree._Element | None = None
        for run in runs:
            for el in run.iter():
                if el.tag in TEXT_TAGS:
                    el.tag = TEXT_TAGS[el.tag]
            if last is not None and last.getnext() is run:
                last.append(run)
                continue
            wrapper = etree.Element(w("del"), who.attrs(self.take()))
            run.addprevious(wrapper)
            wrapper.append(run)
            wrappers.append(wrapper)
            last = wrapper
        return wrappers

    def insert(self, spot: Spot, text: str, who: Author, like: etree._Element | None) -> etree._Element:
        """A w:ins with one run of *text* at *spot*, formatted like the run *like*."""
        wrapper = etree.Element(w("ins"), who.attrs(self.take()))
        run = etree.SubElement(wrapper, w("r"))
        rpr = like.find(w("rPr")) if like is not None else None
        if rpr is not None:
            clean = copy.deepcopy(rpr)
            for sub in list(clean):
                text_run = like is not None and like.find(w("t")) is not None
                if local(sub) in ("ins", "del", "vertAlign") or (local(sub) == "rStyle" and not text_run):
                    clean.remove(sub)
            run.append(clean)
        t = etree.SubElement(run, w("t"))
        t.text = text
        t.set(XML_SPACE, "preserve")
        place(spot, [wrapper])
        return wrapper

    def mark(self, paragraph: etree._Element, kind: str, who: Author) -> etree._Element:
        """Mark *paragraph*'s paragraph mark as inserted or deleted."""
        el = etree.Element(w(kind), who.attrs(self.take()))
        mark_properties(paragraph).insert(0, el)
        return el

    def new_paragraph(self, template: etree._Element, text: str, who: Author) -> etree._Element:
        """A paragraph of *text* formatted like *template*, its text and mark inserted."""
        para = etree.Element(w("p"))
        _copy_properties(template, para, ("sectPr", "pPrChange", "rPr"))
        self.mark(para, "ins", who)
        like = next((r for r in template.iter(w("r")) if r.find(w("t")) is not None), None)
        self.insert(Spot(para), text, who, like)
        return para

    def split(self, spot: Spot, who: Author) -> etree._Element | None:
        """Split the paragraph at *spot* with an inserted paragraph mark (the first half is
        a new paragraph before it); the mark's revision, or None when the spot is inside a
        hyperlink or field and cannot be split cleanly."""
        edge = spot.after.getnext() if spot.after is not None else spot.before
        paragraph = spot.paragraph if edge is None else edge.getparent()
        if paragraph is None or local(paragraph) != "p":
            return None
        first = etree.Element(w("p"))
        _copy_properties(paragraph, first, ("sectPr", "pPrChange"))
        for child in list(paragraph):
            if child is edge:
                break
            if local(child) != "pPr":
                first.append(child)
        paragraph.addprevious(first)
        return self.mark(first, "ins", who)


def mark_properties(paragraph: etree._Element) -> etree._Element:
    """The run properties of *paragraph*'s mark (w:pPr/w:rPr), made where missing, in the
    schema's order (before w:sectPr and w:pPrChange)."""
    ppr = paragraph.find(w("pPr"))
    if ppr is None:
        ppr = etree.Element(w("pPr"))
        paragraph.insert(0, ppr)
    rpr = ppr.find(w("rPr"))
    if rpr is None:
        rpr = etree.Element(w("rPr"))
        later = [c for c in ppr if local(c) in ("sectPr", "pPrChange")]
        if later:
            later[0].addprevious(rpr)
        else:
            ppr.append(rpr)
    return rpr


def _copy_properties(source: etree._Element, target: etree._Element, leave: tuple[str, ...]) -> None:
    """*source*'s paragraph properties onto the new paragraph *target*, without *leave*."""
    ppr = source.find(w("pPr"))
    if ppr is None:
        return
    clean = copy.deepcopy(ppr)
    for sub in list(clean):
        if local(sub) in leave:
            clean.remove(sub)
    target.insert(0, clean)


# ------------------------------------------------------------------ comments

def para_id(seed: str) -> str:
    """A w14:paraId (8 hex digits below 0x80000000) made from *seed*."""
    value = int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16) & 0x7FFFFFFF
    return f"{max(value, 1):08X}"


class Comments:
    """word/comments.xml and word/commentsExtended.xml of a package, kept in step."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        root = pkg.tree("word/comments.xml")
        if root is None:
            root = etree.Element(w("comments"), nsmap={"w": W, "w14": W14})
            pkg.put("word/comments.xml", root, COMMENTS_CT, COMMENTS_REL)
        elif W14 not in root.nsmap.values():
            root = _with_namespace(root, "w14", W14)
            pkg.trees["word/comments.xml"] = root
        self.root = root
        ext = pkg.tree("word/commentsExtended.xml")
        if ext is None:
            ext = etree.Element(f"{{{W15}}}commentsEx", nsmap={"w15": W15})
            pkg.put("word/commentsExtended.xml", ext, EXTENDED_CT, EXTENDED_REL)
        self.ext = ext
        ids = [int(c.get(w("id"), "-1")) for c in root.iter(w("comment"))
               if c.get(w("id"), "").isdigit()]
        self.next = max(ids, default=-1) + 1
        self.seen = {p.get(f"{{{W14}}}paraId") for p in root.iter(w("p"))}
        self.seen |= {e.get(f"{{{W15}}}paraId") for e in ext}

    def _para_id(self, seed: str) -> str:
        value = para_id(seed)
        n = 0
        while value in self.seen:
            n += 1
            value = para_id(f"{seed}/{n}")
        self.seen.add(value)
        return value

    def paragraph_id(self, comment: etree._Element) -> str:
        """The paraId of *comment*'s last paragraph (given one if it has none: a reply
        names its parent by it)."""
        paras = comment.findall(w("p"))
        if not paras:
            paras = [etree.SubElement(comment, w("p"))]
        last = paras[-1]
        value = last.get(f"{{{W14}}}paraId")
        if not value:
            value = self._para_id(f"parent/{comment.get(w('id'))}")
            last.set(f"{{{W14}}}paraId", value)
        return value

    def add(self, who: Author, text: str, parent: str = "", done: bool = False,
            seed: str = "") -> tuple[int, etree._Element]:
        """A comment of *text* (newlines: paragraphs); with *parent* (a paraId) a reply."""
        ident = self.next
        self.next += 1
        attrs = who.attrs(ident)
        if who.initials:
            attrs[w("initials")] = who.initials
        comment = etree.SubElement(self.root, w("comment"), attrs)
        paras = text.split("\n") or [""]
        pid = ""
        for k, line in enumerate(paras):
            p = etree.SubElement(comment, w("p"))
            pid = self._para_id(f"{seed or text}/{ident}/{k}")
            p.set(f"{{{W14}}}paraId", pid)
            ppr = etree.SubElement(p, w("pPr"))
            etree.SubElement(ppr, w("pStyle"), {w("val"): "CommentText"})
            if k == 0:
                ref = etree.SubElement(p, w("r"))
                rpr = etree.SubElement(ref, w("rPr"))
                etree.SubElement(rpr, w("rStyle"), {w("val"): "CommentReference"})
                etree.SubElement(ref, w("annotationRef"))
            run = etree.SubElement(p, w("r"))
            t = etree.SubElement(run, w("t"))
            t.text = line
            t.set(XML_SPACE, "preserve")
        ex = etree.SubElement(self.ext, f"{{{W15}}}commentEx", {f"{{{W15}}}paraId": pid,
                                                                 f"{{{W15}}}done": "1" if done else "0"})
        if parent:
            ex.set(f"{{{W15}}}paraIdParent", parent)
        return ident, comment

    def set_done(self, pid: str, done: bool) -> None:
        for ex in self.ext:
            if ex.get(f"{{{W15}}}paraId") == pid:
                ex.set(f"{{{W15}}}done", "1" if done else "0")
                return
        etree.SubElement(self.ext, f"{{{W15}}}commentEx", {f"{{{W15}}}paraId": pid,
                                                           f"{{{W15}}}done": "1" if done else "0"})


def anchor_comment(ident: int, first: etree._Element, last: etree._Element) -> None:
    """commentRangeStart before *first*, commentRangeEnd and the reference run after *last*
    (elements in the body: runs or the revisions around them)."""
    first.addprevious(etree.Element(w("commentRangeStart"), {w("id"): str(ident)}))
    end = etree.Element(w("commentRangeEnd"), {w("id"): str(ident)})
    last.addnext(end)
    end.addnext(reference_run(ident))


def reference_run(ident: int) -> etree._Element:
    run = etree.Element(w("r"))
    rpr = etree.SubElement(run, w("rPr"))
    etree.SubElement(rpr, w("rStyle"), {w("val"): "CommentReference"})
    etree.SubElement(run, w("commentReference"), {w("id"): str(ident)})
    return run


def bookmark(ident: int, name: str, first: etree._Element, last: etree._Element) -> None:
    first.addprevious(etree.Element(w("bookmarkStart"), {w("id"): str(ident), w("name"): name}))
    last.addnext(etree.Element(w("bookmarkEnd"), {w("id"): str(ident)}))


def _with_namespace(root: etree._Element, prefix: str, uri: str) -> etree._Element:
    """A copy of *root* that declares *prefix* (lxml cannot add a declaration in place)."""
    nsmap: dict[str, str] = {str(k): str(v) for k, v in root.nsmap.items() if k}
    nsmap[prefix] = uri
    new = etree.Element(root.tag, {str(k): str(v) for k, v in root.attrib.items()}, nsmap=nsmap)
    new.text = root.text
    for child in root:
        new.append(child)
    return new


def lift_protection(pkg: Package, track: bool) -> None:
    """settings.xml: no document protection; change tracking on (*track*) or as it was."""
    settings = pkg.tree("word/settings.xml")
    if settings is None:
        return
    for old in settings.findall(w("documentProtection")):
        settings.remove(old)
    if track and settings.find(w("trackRevisions")) is None:
        anchor = settings.find(w("defaultTabStop"))
        el = etree.Element(w("trackRevisions"))
        if anchor is not None:
            anchor.addprevious(el)
        else:
            settings.append(el)


def custom_properties(pkg: Package, values: dict[str, str]) -> None:
    """Set the custom document properties *values* (others kept)."""
    from papier.ooxml.edit import CUSTOM_CT, _custom_xml  # noqa: PLC0415 - python-docx

    root = pkg.tree("docProps/custom.xml")
    current: dict[str, str] = {}
    if root is not None:
        for prop in root:
            value = next(iter(prop), None)
            current[prop.get("name", "")] = (value.text or "") if value is not None else ""
    current.update(values)
    new = etree.fromstring(_custom_xml(current))
    if root is None:
        pkg.put("docProps/custom.xml", new, CUSTOM_CT)
        rels = pkg.tree("_rels/.rels")
        if rels is not None:
            from papier.ooxml.names import CUSTOM_REL  # noqa: PLC0415

            etree.SubElement(rels, f"{{{REL_NS}}}Relationship", Id="rIdPapierCustom",
                             Type=CUSTOM_REL, Target="docProps/custom.xml")
    else:
        pkg.trees["docProps/custom.xml"] = new
