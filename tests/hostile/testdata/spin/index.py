"""Spins the CPU forever on "spin"; answers "alive" otherwise."""


def handler(event, context):
    if event == b"spin":
        while True:
            pass
    return "alive"
