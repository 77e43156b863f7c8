"""A reviewer working in LibreOffice, driven through UNO (run by Debian's python3 with
python3-uno, not by pytest's interpreter).

usage: python3 review.py IN.docx OUT.docx
Records changes, replaces "Zuständigkeiten" with "Verwaltungsgrenzen", deletes "längst ",
and saves OUT as Word 2007-365 .docx with LibreOffice's own writer.
"""

import os
import sys

import uno
from office import opened, prop


def main(src, dst):
    with opened(src) as (_ctx, doc):
        doc.RecordChanges = True
        search = doc.createSearchDescriptor()
        for old, new in (("Zuständigkeiten", "Verwaltungsgrenzen"), ("längst ", "")):
            search.SearchString = old
            found = doc.findFirst(search)
            if found is None:
                raise SystemExit(f"{old!r} not found in {src}")
            found.setString(new)
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(dst)),
                       (prop("FilterName", "MS Word 2007 XML"),))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
