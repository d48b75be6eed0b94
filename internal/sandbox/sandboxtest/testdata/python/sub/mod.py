"""Handler "sub/mod.handler": the handler's directory is on sys.path."""

import helper


def handler(event, context):
    return helper.greet(event.decode())
