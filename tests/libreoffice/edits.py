"""A reviewer editing papier's reviewer copy in LibreOffice, the way one does by hand, with
change recording on (run by Debian's python3 with python3-uno, not by pytest's interpreter).

usage: python3 edits.py IN.docx OUT.docx [--odt OUT.odt] CASE [CASE ...]

Each CASE is one edit (see CASES below). The edits go through the text cursor API (what
typing, Enter, Delete and Ctrl+B do), comments are annotation fields over a selected range;
the changes carry the author set in the profile's user data, as in Tools › Options. The
document is loaded without a view (office.opened(view=False)): Debian's headless
LibreOffice aborts on a comment in a document with one. OUT is saved as Word 2007-365 .docx
by LibreOffice's own writer; with --odt the same document is also saved in LibreOffice's own
format (OpenDocument Text, the "writer8" filter), so one review exists in both formats. A
text a case looks for that is not in the document once stops the script with exit code 3, so
a test can tell a changed reviewer copy from a failed edit.
"""

import os
import sys

import uno
from com.sun.star.awt.FontWeight import BOLD
from com.sun.star.text.ControlCharacter import PARAGRAPH_BREAK
from office import opened, prop

AUTHOR = "Dr. Maria Beispiel"


def iter_enum(enum):
    while enum.hasMoreElements():
        yield enum.nextElement()


def body_paragraphs(text):
    """The paragraphs of *text*, table cells included, the table of contents left out."""
    for element in iter_enum(text.createEnumeration()):
        if element.supportsService("com.sun.star.text.TextTable"):
            for name in element.getCellNames():
                yield from body_paragraphs(element.getCellByName(name).getText())
        elif element.supportsService("com.sun.star.text.Paragraph") and \
                not (element.ParaStyleName or "").lower().startswith(("contents", "toc")):
            yield element


def find(doc, text):
    """The range of the one place *text* occurs in the body, as a selecting text cursor.

    By hand, not with findFirst: the search needs a view, and the document has none (see
    office.opened)."""
    hits = [(para, at) for para in body_paragraphs(doc.getText())
            for at in _occurrences(para.getString(), text)]
    if len(hits) != 1:
        print(f"{text!r} occurs {len(hits)} times in the body, not once", file=sys.stderr)
        sys.exit(3)
    para, at = hits[0]
    cursor = para.getText().createTextCursorByRange(para.getStart())
    cursor.goRight(at, False)
    cursor.goRight(len(text), True)
    if cursor.getString() != text:  # a field or footnote mark counts as a character
        print(f"selected {cursor.getString()!r}, not {text!r}", file=sys.stderr)
        sys.exit(3)
    return cursor


def _occurrences(haystack, needle):
    at = haystack.find(needle)
    while at >= 0:
        yield at
        at = haystack.find(needle, at + 1)


def cursor_at(doc, text, offset=0):
    """A collapsed cursor *offset* characters after the start of *text*."""
    where = find(doc, text)
    cursor = where.getText().createTextCursorByRange(where.getStart())
    if offset:
        cursor.goRight(offset, False)
    return cursor


def body_style(doc):
    """The paragraph style of ordinary body text (as the reviewer picks it from the list)."""
    return find(doc, "Gerade Familien, die von klassischen").getPropertyValue("ParaStyleName")


def type_paragraph_after(doc, end_of, sentence):
    """Cursor at the end of the paragraph holding *end_of*, Enter, type a sentence."""
    cursor = cursor_at(doc, end_of)
    cursor.gotoEndOfParagraph(False)
    text = cursor.getText()
    text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
    text.insertString(cursor, sentence, False)


def paragraph_after_table(doc):
    """Cursor at the start of the paragraph that follows the (one) table, Enter: Writer leaves
    an empty paragraph in that paragraph's style (here the next chapter's heading) between
    the table and it. Up into the empty paragraph, pick the body text style, type."""
    elements = list(iter_enum(doc.getText().createEnumeration()))
    tables = [i for i, e in enumerate(elements) if e.supportsService("com.sun.star.text.TextTable")]
    if len(tables) != 1:
        print(f"expected one table, found {len(tables)}", file=sys.stderr)
        sys.exit(3)
    following = elements[tables[0] + 1]
    style = body_style(doc)
    text = doc.getText()
    cursor = text.createTextCursorByRange(following.getStart())
    text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
    cursor.gotoPreviousParagraph(False)
    cursor.setPropertyValue("ParaStyleName", style)
    # the empty paragraph also took the character style of the heading's first run (its
    # number): plain text, as the reviewer would make it before typing
    cursor.setPropertyValue("CharStyleName", "Standard")
    text.insertString(cursor, TABLE_SENTENCE, False)


def comment(doc, over, content):
    """Select *over*, Insert › Comment, type *content* into it (Enter for each "\\n").

    The text goes in through the comment's own text (TextRange) before the comment is
    inserted, the way the comment window fills it: set as the Content string instead, a line
    break never reaches the .docx (LibreOffice 7.4 writes "a\\nb" as <w:t>a</w:t><w:t>b</w:t>)."""
    selection = find(doc, over)
    note = doc.createInstance("com.sun.star.text.textfield.Annotation")
    note.Author = AUTHOR
    note.Initials = "MB"
    note.DateTimeValue = now()
    text = note.TextRange
    cursor = text.createTextCursor()
    for i, line in enumerate(content.split("\n")):
        if i:
            text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
        text.insertString(cursor, line, False)
    selection.getText().insertTextContent(selection, note, True)


def now():
    """The comment's date, as the comment window sets it."""
    import datetime

    from com.sun.star.util import DateTime

    stamp = datetime.datetime.now(datetime.UTC)
    value = DateTime()
    value.Year, value.Month, value.Day = stamp.year, stamp.month, stamp.day
    value.Hours, value.Minutes, value.Seconds = stamp.hour, stamp.minute, stamp.second
    return value


def footnote_word(doc, old, new):
    """Replace a word inside the (one) footnote: select it in the footnote and type over it."""
    footnotes = doc.getFootnotes()
    if footnotes.getCount() < 1:
        print("the document has no footnote", file=sys.stderr)
        sys.exit(3)
    note = footnotes.getByIndex(0)
    content = note.getString()
    if content.count(old) != 1:
        print(f"{old!r} is not once in the footnote {content!r}", file=sys.stderr)
        sys.exit(3)
    cursor = note.createTextCursor()
    cursor.gotoStart(False)
    cursor.goRight(content.index(old), False)
    cursor.goRight(len(old), True)
    cursor.setString(new)


def insert_with_bold_word(doc, before, plain, bold, after):
    """Type "plain bold after" before *before*, then select the word *bold* and press Ctrl+B."""
    cursor = cursor_at(doc, before)
    text = cursor.getText()
    typed = plain + bold + after
    text.insertString(cursor, typed, False)
    cursor.goLeft(len(typed) - len(plain), False)
    cursor.goRight(len(bold), True)
    if cursor.getString() != bold:
        print(f"selected {cursor.getString()!r}, not {bold!r}", file=sys.stderr)
        sys.exit(3)
    cursor.setPropertyValue("CharWeight", BOLD)


def split(doc, text_before):
    """Enter in the middle of a paragraph, right after *text_before*."""
    cursor = cursor_at(doc, text_before, len(text_before))
    cursor.getText().insertControlCharacter(cursor, PARAGRAPH_BREAK, False)


def join(doc, end_of_first):
    """Delete the paragraph mark after *end_of_first*: the paragraph and the next become one."""
    cursor = cursor_at(doc, end_of_first, len(end_of_first))
    cursor.goRight(1, True)
    cursor.setString("")


def delete_paragraph(doc, inside):
    """Select the whole paragraph holding *inside*, its paragraph mark included, and delete."""
    cursor = cursor_at(doc, inside)
    cursor.gotoStartOfParagraph(False)
    cursor.gotoEndOfParagraph(True)
    cursor.goRight(1, True)
    cursor.setString("")


NEW_SENTENCE = "Sprachförderung gelingt dort am besten, wo sie zum Alltag der Kita gehört."
TABLE_SENTENCE = "Die Auswahl zeigt typische Angebote; jedes Zentrum setzt eigene Schwerpunkte."

CASES = {
    # familienzentren-positionspapier
    "paragraph-after": lambda doc: type_paragraph_after(doc, "und Angeboten im Stadtteil.", NEW_SENTENCE),
    "paragraph-after-table": paragraph_after_table,
    "bibliography-comment": lambda doc: comment(
        doc, "Achtes Buch Sozialgesetzbuch", "Bitte die aktuelle Fassung des SGB VIII zitieren."),
    "footnote": lambda doc: footnote_word(doc, "mehreren", "drei"),
    "bold-insertion": lambda doc: insert_with_bold_word(
        doc, "Querschnittsaufgaben schnell", "sehr ", "wichtige", " "),
    "split": lambda doc: split(doc, "Die rechtlichen Grundlagen wären vorhanden. "),
    "join": lambda doc: join(doc, "bis zu Gesundheits- und Freizeitangeboten."),
    "delete-heading": lambda doc: delete_paragraph(doc, "Warum das Bundesforum Familienzentren sich"),
    "comment-newline": lambda doc: comment(
        doc, "Koordinierungs- und Servicestellen haben sich",
        "Bitte prüfen:\nGilt das auch für Bayern?"),
    # potenzialanalyse-familienzentren
    "delete-list-item": lambda doc: delete_paragraph(doc, "Koordinierungs- und Servicestellen:"),
    "delete-heading-analysis": lambda doc: delete_paragraph(doc, "Fehlende Zeit und Qualifizierung"),
}


def set_user_name(ctx, given, surname):
    """Tools › Options › User Data: the name LibreOffice writes as author of each change."""
    provider = ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", ctx)
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess",
        (prop("nodepath", "/org.openoffice.UserProfile/Data"),))
    access.setPropertyValue("givenname", given)
    access.setPropertyValue("sn", surname)
    access.commitChanges()


def main(src, dst, cases, odt=None):
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        raise SystemExit(f"unknown case(s) {', '.join(unknown)}; known: {', '.join(CASES)}")
    with opened(src, view=False) as (ctx, doc):
        set_user_name(ctx, "Maria", "Beispiel")
        doc.RecordChanges = True
        for case in cases:
            CASES[case](doc)
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(dst)),
                       (prop("FilterName", "MS Word 2007 XML"),))
        if odt:
            doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(odt)),
                           (prop("FilterName", "writer8"),))


if __name__ == "__main__":
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    args = sys.argv[3:]
    odt = None
    if args[:1] == ["--odt"]:
        odt, args = args[1], args[2:]
    main(sys.argv[1], sys.argv[2], args, odt)
