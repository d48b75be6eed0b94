"""Handlers of the conformance suite. node/index.js has the same names with
the same behaviour."""

import json
import logging
import os
import subprocess
import time

_initialized = 0


def echo(event, context):
    return event


def context(event, context):
    return {
        "requestId": context.request_id,
        "functionName": context.function.name,
        "handler": context.function.handler,
        "memory": context.function.memory,
        "timeout": context.function.timeout,
        "qualifier": context.service.qualifier,
        "versionId": context.service.version_id,
        "region": context.region,
        "accountId": context.account_id,
    }


def env(event, context):
    """Answers the variables named in the event (a JSON array)."""
    return {name: os.environ.get(name) for name in json.loads(event)}


def fail(event, context):
    raise ValueError("boom")


def sleep(event, context):
    time.sleep(float(event or 30000) / 1000)
    return "slept"


def crash(event, context):
    os._exit(3)


def logs(event, context):
    print("log line")
    logging.warning("warn line")
    logging.error("error line")
    logging.getLogger().info("logger line")
    return "logged"


def tagged(event, context):
    """Logs two lines around a pause, so that concurrent calls interleave."""
    tag = event.decode()
    logging.info("tag-%s one", tag)
    time.sleep(0.3)
    logging.info("tag-%s two", tag)
    return tag


def spawn(event, context):
    """Leaves a child behind and a file in TMPDIR, for Stop to clean up."""
    child = subprocess.Popen(["sleep", "300"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    path = os.path.join(os.environ["TMPDIR"], "marker")
    with open(path, "w") as f:
        f.write("x")
    return {"pid": os.getpid(), "child": child.pid, "file": path}


def init(context):
    global _initialized
    _initialized += 1
    print("initializer ran")


def initfail(context):
    raise ValueError("init boom")


def initslow(context):
    time.sleep(30)


def initcount(event, context):
    return "initialized %d" % _initialized


def prestop(context):
    print("prestop ran")


# Python only.


def mapping(event, context):
    return {"a": 1}


def nothing(event, context):
    return None
