"""Setuid tricks: runs setuid-root programs and watches their effective uid
while they run; reports no_new_privs, the nosuid flag of /usr and what su
printed."""

import os
import subprocess
import time

CANDIDATES = ["/usr/bin/su", "/usr/bin/passwd", "/usr/bin/newgrp", "/usr/bin/chsh", "/usr/bin/mount"]


def _euids(argv):
    """Starts argv with a silent stdin and samples its effective uid."""
    seen = set()
    try:
        p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except OSError as e:
        return {"error": str(e)}
    deadline = time.time() + 1
    while time.time() < deadline and p.poll() is None:
        try:
            with open("/proc/%d/status" % p.pid) as f:
                for line in f:
                    if line.startswith("Uid:"):
                        seen.add(int(line.split()[2]))
        except OSError:
            pass
        time.sleep(0.01)
    p.kill()
    out = p.communicate()[0].decode(errors="replace")[:200]
    return {"euids": sorted(seen), "output": out}


def handler(event, context):
    status = open("/proc/self/status").read()
    nnp = [l.split()[1] for l in status.splitlines() if l.startswith("NoNewPrivs:")]
    usr_nosuid = any(l.split()[4] == "/usr" and "nosuid" in l.split()[5] for l in open("/proc/self/mountinfo"))
    setuid_files = [c for c in CANDIDATES if os.path.exists(c) and os.stat(c).st_mode & 0o4000]
    runs = {c: _euids([c] + (["root", "-c", "id -u"] if c.endswith("/su") else [])) for c in setuid_files}
    return {"uid": os.getuid(), "euid": os.geteuid(), "noNewPrivs": nnp[0] if nnp else "",
            "usrNosuid": usr_nosuid, "setuidFiles": setuid_files, "runs": runs}
