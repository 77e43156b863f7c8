"""Start a headless LibreOffice and open a document through UNO (for the scripts here,
run by Debian's python3 with python3-uno, not by pytest's interpreter)."""

import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


@contextmanager
def opened(src, view=True):
    """(component context, document) of *src*, in a private LibreOffice profile.

    view=False loads the document model alone, without a (hidden) window: the headless
    LibreOffice of Debian's *-nogui packages aborts when a comment is inserted into a document
    with a view (its comment sidebar needs UI files those packages leave out). Search
    (findFirst) needs the view; cursors, change recording and saving do not."""
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
        url = uno.systemPathToFileUrl(os.path.abspath(src))
        if view:
            desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
            doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        else:
            doc = ctx.ServiceManager.createInstanceWithContext("com.sun.star.text.TextDocument", ctx)
            doc.load((prop("URL", url), prop("FilterName", "MS Word 2007 XML")))
        if doc is None:
            raise SystemExit(f"LibreOffice could not load {src}")
        try:
            yield ctx, doc
        finally:
            doc.close(True)
    finally:
        office.terminate()
        office.wait(timeout=60)
        shutil.rmtree(profile, ignore_errors=True)
