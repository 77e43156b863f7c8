"""A reviewer's PDF beside their DOCX: the paper's PDF layout with the round's stamp on every
page and line numbers in the margin, and in its keywords (PDF Info /Keywords and XMP
pdf:Keywords) the same identity as the DOCX copy's custom properties:
``papier.paper=<slug>, papier.round=<n>, papier.reviewer=<id>, papier.version=<v>,
papier.commit=<sha>``, after the paper's own keywords. `identity_from_keywords` reads them
back from a returned PDF."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path

from papier import pandoc_ast as ast
from papier.ooxml import DATA_BOOKMARK
from papier.writers import Context
from papier.writers.pdf import ReviewMarks, TypstSession, typst_source

# the DOCX copy's custom properties, in this order
IDENTITY_KEYS = ("papier.paper", "papier.round", "papier.reviewer", "papier.version",
                 "papier.commit")

# a keyword is "papier.<name>=<value>"; values are slugs, numbers, versions and commits,
# never commas, semicolons or spaces (the separators of keyword lists)
_ENTRY = re.compile(r"(?:^|[\s,;])(papier\.[a-z]+)=([^\s,;]*)")


def identity_keywords(identity: dict[str, str]) -> tuple[str, ...]:
    """The keywords that name a reviewer's copy, from the DOCX copy's custom properties."""
    return tuple(f"{key}={identity[key]}" for key in IDENTITY_KEYS if key in identity)


def identity_from_keywords(keywords: str) -> dict[str, str]:
    """papier's entries of a PDF's keywords (Info /Keywords or XMP pdf:Keywords, as one
    string), as the DOCX copy's custom properties: {"papier.paper": slug, "papier.round":
    "1", "papier.reviewer": id, "papier.version": "0.1.0", "papier.commit": sha}. The
    paper's own keywords are left out; {} for a PDF papier did not write."""
    return {key: value for key, value in _ENTRY.findall(keywords or "")}


def _unanchored(blocks: list[ast.Node]) -> list[ast.Node]:
    """The blocks without the review anchors (Divs with a blk- id): bookmarks for the DOCX,
    which in Typst would only add blocks the paper's layout does not have."""

    def unwrap(node: ast.Node) -> list[ast.Node] | None:
        if node["t"] in ("Div", "Span"):  # Spans: generated numbers (dat-…)
            (ident, classes, kvs), children = node["c"]
            if ident.startswith(("blk-", DATA_BOOKMARK)) and not classes and not kvs:
                return list(children)
        return None

    result: list[ast.Node] = ast.walk(ast.clone(blocks), unwrap)
    return result


def write_review_pdfs(ctx: Context, work_dir: Path,
                      copies: Iterable[tuple[Path, dict[str, str]]]) -> list[Path]:
    """Each (out, identity) of *copies* as a reviewer's PDF. *ctx* is the reviewer copies'
    context (their stamp; the text may carry review anchors); the Typst files go to
    *work_dir*. One Typst session for all: the copies differ only in meta.json, so Typst
    lays the paper out once and recompiles each further copy from its caches."""
    doc = ctx.doc()
    plain = dataclasses.replace(ctx.assembled, doc={**doc, "blocks": _unanchored(doc["blocks"])})
    pdf_ctx = dataclasses.replace(ctx, assembled=plain, work_dir=work_dir)
    source = typst_source(pdf_ctx)
    session = TypstSession()
    written = []
    for out, identity in copies:
        session.compile(pdf_ctx, out, review=ReviewMarks(identity_keywords(identity)),
                        source=source)
        written.append(out)
    return written
