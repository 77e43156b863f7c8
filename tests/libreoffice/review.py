"""A reviewer working in LibreOffice, driven through UNO (run by Debian's python3 with
python3-uno, not by pytest's interpreter).

usage: python3 review.py IN.docx OUT.docx
Records changes, replaces "Zuständigkeiten" with "Verwaltungsgrenzen", deletes "längst ",
and saves OUT as Word 2007-365 .docx with LibreOffice's own writer.
"""

import os
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(src, dst):
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    pipe = f"papier{os.getpid()}"
    office = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
         f"-env:UserInstallation=file://{profile}", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(240):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.25)
        else:
            raise SystemExit("LibreOffice did not answer")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(src)),
                                           "_blank", 0, (prop("Hidden", True),))
        if doc is None:
            raise SystemExit(f"LibreOffice could not load {src}")
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
        doc.close(True)
    finally:
        office.terminate()
        office.wait(timeout=60)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
