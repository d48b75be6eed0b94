"""Writes a file into each directory of the event; each answers "ok" (the
file is removed again) or the error."""

import errno
import json
import os


def _write(path):
    try:
        with open(path, "w") as f:
            f.write("x")
        os.unlink(path)
        return "ok"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e))


def handler(event, context):
    return {d: _write(os.path.join(d, "hostile-was-here")) for d in json.loads(event)}
