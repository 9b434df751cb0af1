#!/usr/bin/python3
"""LibreOffice through UNO for the tests: one soffice per session, documents loaded, changes resolved, text saved.

Run by the system Python (python3-uno): ``/usr/bin/python3 tests/lo_uno.py WORKDIR`` reads jobs
``MODE<TAB>IN.docx<TAB>OUT.txt`` (MODE accept | reject | keep | redlines) one a line on stdin and answers
each with the number of tracked changes LibreOffice saw on loading, or ``error …``. The text export is
written to OUT.txt; with ``redlines``, OUT.txt gets the text each tracked change covers, as a JSON list. soffice runs on its own profile
and pipe, and each input is copied first, so no lock file or other instance is in the way.
"""
import json
import os
import shutil
import subprocess
import sys
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(work):
    pipe = "dutydocs" + uuid.uuid4().hex[:8]
    proc = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
                             f"-env:UserInstallation=file://{work}/profile",
                             f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        try:
            return proc, resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            time.sleep(0.25)
    proc.kill()
    sys.exit("soffice did not start")


def covered_text(redline) -> str:
    """Return the text a tracked change covers (empty for one LibreOffice cannot select, such as a row)."""
    try:
        start, end = redline.getPropertyValue("RedlineStart"), redline.getPropertyValue("RedlineEnd")
        cursor = start.getText().createTextCursorByRange(start)
        cursor.gotoRange(end, True)
        return cursor.getString()
    except Exception:
        return ""


def run(ctx, work, mode, src, dst):
    smgr = ctx.ServiceManager
    desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    copy = os.path.join(work, uuid.uuid4().hex + ".docx")
    shutil.copy(src, copy)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(copy), "_blank", 0, (prop("Hidden", True),))
    if doc is None:
        return "error could not open"
    try:
        covered = []
        redlines = doc.getRedlines().createEnumeration()
        while redlines.hasMoreElements():
            covered.append(covered_text(redlines.nextElement()))
        if mode == "redlines":
            with open(dst, "w", encoding="utf-8") as out:
                json.dump(covered, out, ensure_ascii=False)
            return str(len(covered))
        if mode != "keep":
            dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
            command = ".uno:AcceptAllTrackedChanges" if mode == "accept" else ".uno:RejectAllTrackedChanges"
            dispatcher.executeDispatch(doc.getCurrentController().getFrame(), command, "", 0, ())
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(dst)),
                       (prop("FilterName", "Text (encoded)"), prop("FilterOptions", "UTF8,LF,,")))
        return str(len(covered))
    finally:
        doc.close(True)
        os.remove(copy)


def main():
    work = os.path.abspath(sys.argv[1])
    proc, ctx = connect(work)
    try:
        for line in sys.stdin:
            mode, src, dst = line.rstrip("\n").split("\t")
            try:
                answer = run(ctx, work, mode, src, dst)
            except Exception as exc:  # the test reports it
                answer = f"error {type(exc).__name__}: {exc}"
            print(answer, flush=True)
    finally:
        try:
            ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx).terminate()
        except Exception:
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
