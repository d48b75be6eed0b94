"""Writes 1 MiB blocks into /tmp until an error or the cap in the event (MB);
reports the error and the bytes written, then frees the space."""

import errno
import os


def handler(event, context):
    cap = int(event)
    block = b"y" * (1 << 20)
    path = "/tmp/fill"
    written, result = 0, "ok"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for _ in range(cap):
            written += os.write(fd, block)
    except OSError as e:
        result = errno.errorcode.get(e.errno, str(e))
    finally:
        os.close(fd)
        os.unlink(path)
    return {"result": result, "written": written}
