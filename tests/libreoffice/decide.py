"""The editorial team deciding on tracked changes in LibreOffice: accept the changes of some
authors, reject those of others, leave the rest pending (run by Debian's python3 with
python3-uno, not by pytest's interpreter).

usage: python3 decide.py IN.docx OUT.docx [--accept AUTHOR_SUBSTRING]... [--reject AUTHOR_SUBSTRING]...

Every tracked change (redline, a paragraph mark's insertion or deletion included) whose
author contains one of the --accept substrings is accepted, one of the --reject substrings
rejected, one at a time, the way one does it by hand: select the change, Edit › Track
Changes › Accept (.uno:AcceptTrackedChange) or Reject. OUT is saved as Word 2007-365 .docx by
LibreOffice's own writer. Prints {"accepted": n, "rejected": n, "pending": n} (redlines) as
one JSON line. Without --accept and --reject it is a plain open-and-save round trip.

Accepting and rejecting are commands of the document's view, and the headless LibreOffice of
Debian's *-nogui packages aborts as soon as a document with comments gets one, already while
loading it (its comment sidebar needs UI files those packages leave out; see office.opened).
So the document is loaded without a view and its comment fields are parked: each is taken
out and leaves a stand-in character in a bookmark where it was (author, initials, date,
resolved state and text kept aside; the comment's range stays in the document). A hidden
view is opened on the document for the decisions (as Window › New Window does) and closed
again, and each comment goes back under its old name in front of its stand-in, taking its
range over again. A comment whose stand-in went with the text around it (an accepted
deletion, a rejected insertion) is gone, as it would be in LibreOffice; the script says how
many on stderr. Formatting inside a comment's text is not carried over. A decision that
touches any other change than the one it is meant for stops the script with exit code 4.

LibreOffice 7.4 cannot add a reply to a comment through UNO (an annotation has no ParentName
or like property) and writes no w15:paraIdParent; so there is no --reply here.
"""

import argparse
import json
import os
import sys
from collections import Counter

import uno
from com.sun.star.text.ControlCharacter import PARAGRAPH_BREAK
from office import opened, prop

PARKED = "__decide_parked_comment_"
STAND_IN = "\ue000"  # a private use character, never saved


def iter_enum(enum):
    while enum.hasMoreElements():
        yield enum.nextElement()


def redlines(doc):
    return list(iter_enum(doc.getRedlines().createEnumeration()))


def key(redline):
    """What tells a redline from the others, for checking that a decision hit only its own."""
    stamp = redline.RedlineDateTime
    return (redline.RedlineAuthor, redline.RedlineType,
            (stamp.Year, stamp.Month, stamp.Day, stamp.Hours, stamp.Minutes, stamp.Seconds))


def verdict(author, accept, reject):
    """ "accept", "reject" or None (stays pending) for a change by *author*."""
    to_accept = any(part in author for part in accept)
    to_reject = any(part in author for part in reject)
    if to_accept and to_reject:
        raise SystemExit(f"{author!r} matches both --accept and --reject")
    return "accept" if to_accept else "reject" if to_reject else None


def selection(redline):
    """A text cursor over the redline, from RedlineStart to RedlineEnd (across the paragraph
    mark for a paragraph mark's change)."""
    start = redline.RedlineStart
    cursor = start.getText().createTextCursorByRange(start)
    cursor.gotoRange(redline.RedlineEnd, True)
    return cursor


def comments(doc):
    return [field for field in iter_enum(doc.getTextFields().createEnumeration())
            if field.supportsService("com.sun.star.text.textfield.Annotation")]


def park_comments(doc):
    """Take the comments out, each leaving a stand-in character (in a bookmark) where its
    field was; what they say is kept in the returned list.

    Taking a comment field out leaves its range behind (LibreOffice 7.4 keeps the annotation
    mark, which UNO does not list, and writes it as commentRangeStart/End and a
    commentReference with no comment). The comment put back under the same Name takes that
    range over again, but only from inside it: a range never grows at its end, so the
    stand-in goes in before the field (inside the range), the field back before the
    stand-in, and then the stand-in out."""
    parked = []
    for number, note in enumerate(comments(doc)):
        anchor = note.getAnchor()  # the comment's range up to and with its field
        text = anchor.getText()
        cursor = text.createTextCursorByRange(anchor.getEnd())
        cursor.goLeft(1, False)
        text.insertString(cursor, STAND_IN, False)
        cursor.goLeft(1, True)
        mark = doc.createInstance("com.sun.star.text.Bookmark")
        mark.Name = f"{PARKED}{number}"
        text.insertTextContent(cursor, mark, True)
        lines = [para.getString() for para in iter_enum(note.TextRange.createEnumeration())]
        parked.append({"bookmark": mark.Name, "Name": note.Name, "Author": note.Author,
                       "Initials": note.Initials, "DateTimeValue": note.DateTimeValue,
                       "Resolved": note.Resolved, "lines": lines})
        text.removeTextContent(note)
    return parked


def restore_comments(doc, parked):
    """Put each parked comment back in front of its stand-in, drop stand-in and bookmark;
    returns how many comments had lost their place (their stand-in deleted with the text
    around it, as the comment would have been)."""
    bookmarks = doc.getBookmarks()
    lost = 0
    for entry in parked:
        if not bookmarks.hasByName(entry["bookmark"]):
            lost += 1
            continue
        mark = bookmarks.getByName(entry["bookmark"])
        where = mark.getAnchor()
        text = where.getText()
        stand_in = text.createTextCursorByRange(where.getStart())
        stand_in.gotoRange(where.getEnd(), True)
        text.removeTextContent(mark)
        if stand_in.getString() != STAND_IN:
            lost += 1
            continue
        note = doc.createInstance("com.sun.star.text.textfield.Annotation")
        for name in ("Name", "Author", "Initials", "DateTimeValue", "Resolved"):
            note.setPropertyValue(name, entry[name])
        body = note.TextRange
        cursor = body.createTextCursor()
        for i, line in enumerate(entry["lines"]):
            if i:
                body.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
            body.insertString(cursor, line, False)
        text.insertTextContent(text.createTextCursorByRange(stand_in.getStart()), note, False)
        if stand_in.getString() != STAND_IN:
            raise SystemExit(f"the stand-in of {entry['Author']}'s comment moved")
        stand_in.setString("")
    return lost


def open_view(ctx, doc):
    """A hidden window on the already loaded document (as Window › New Window does)."""
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    desktop.loadComponentFromURL("private:object", "_blank", 0,
                                 (prop("Model", doc), prop("Hidden", True)))
    controller = doc.getCurrentController()
    if controller is None:
        raise SystemExit("LibreOffice opened no view on the document")
    return controller


def decide(ctx, doc, accept, reject):
    """Accept and reject change by change; (accepted, rejected) counts."""
    controller = open_view(ctx, doc)
    dispatcher = ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.DispatchHelper", ctx)
    done = Counter()
    try:
        while True:
            before = redlines(doc)
            todo = [(r, verdict(r.RedlineAuthor, accept, reject)) for r in before]
            todo = [(r, v) for r, v in todo if v]
            if not todo:
                break
            redline, what = todo[0]
            expected = Counter(map(key, before))
            expected[key(redline)] -= 1
            controller.select(selection(redline))
            command = ".uno:AcceptTrackedChange" if what == "accept" else ".uno:RejectTrackedChange"
            dispatcher.executeDispatch(controller.getFrame(), command, "", 0, ())
            after = Counter(map(key, redlines(doc)))
            if after != +expected:
                print(f"{what} of {key(redline)} left {sorted(after.elements())}, "
                      f"expected {sorted(expected.elements())}", file=sys.stderr)
                sys.exit(4)
            done[what] += 1
    finally:
        controller.getFrame().close(True)  # the document stays loaded, without a view
    return done["accept"], done["reject"]


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src")
    parser.add_argument("dst")
    parser.add_argument("--accept", action="append", default=[], metavar="AUTHOR_SUBSTRING")
    parser.add_argument("--reject", action="append", default=[], metavar="AUTHOR_SUBSTRING")
    args = parser.parse_args(argv)
    accepted = rejected = 0
    with opened(args.src, view=False) as (ctx, doc):
        if args.accept or args.reject:
            recording = doc.RecordChanges
            doc.RecordChanges = False  # parking comments is no reviewer's change
            parked = park_comments(doc)
            accepted, rejected = decide(ctx, doc, args.accept, args.reject)
            doc.RecordChanges = False
            # with undo on (as the view left it), deleting a stand-in takes the comment's
            # range with it
            undo = doc.getUndoManager()
            undo.lock()
            try:
                lost = restore_comments(doc, parked)
            finally:
                undo.unlock()
            doc.RecordChanges = recording
            if lost:
                print(f"{lost} comment(s) went with the text they were on", file=sys.stderr)
        pending = len(redlines(doc))
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(args.dst)),
                       (prop("FilterName", "MS Word 2007 XML"),))
    print(json.dumps({"accepted": accepted, "rejected": rejected, "pending": pending}))


if __name__ == "__main__":
    main(sys.argv[1:])
