"""Accept or reject all tracked changes in LibreOffice and write the text, one paragraph a
line (tables cell by cell, the table of contents left out).

usage: python3 resolve.py IN.docx accept|reject OUT.txt
"""

import sys

from office import opened


def paragraphs(text):
    for element in iter_enum(text.createEnumeration()):
        if element.supportsService("com.sun.star.text.TextTable"):
            for name in element.getCellNames():
                yield from paragraphs(element.getCellByName(name).getText())
        elif element.supportsService("com.sun.star.text.Paragraph"):
            style = (element.ParaStyleName or "").lower()
            if not style.startswith(("contents", "toc")):
                yield "".join(portion.getString() for portion in iter_enum(element.createEnumeration())
                              if portion.TextPortionType == "Text")  # no footnote marks


def iter_enum(enum):
    while enum.hasMoreElements():
        yield enum.nextElement()


def main(src, mode, dst):
    with opened(src) as (ctx, doc):
        dispatcher = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.DispatchHelper", ctx)
        command = ".uno:AcceptAllTrackedChanges" if mode == "accept" else ".uno:RejectAllTrackedChanges"
        dispatcher.executeDispatch(doc.getCurrentController().getFrame(), command, "", 0, ())
        lines = list(paragraphs(doc.getText()))
    with open(dst, "w", encoding="utf-8") as out:
        out.write("\n".join(lines))


if __name__ == "__main__":
    main(*sys.argv[1:4])
