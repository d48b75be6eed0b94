"""Lists the processes the instance can see, with their command lines."""

import os


def handler(event, context):
    out = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                out[p] = open("/proc/%s/cmdline" % p, "rb").read().replace(b"\0", b" ").decode(errors="replace")[:100]
            except OSError:
                out[p] = "?"
    return out
