count = 0


def initialize(context):
    global count
    count += 1
    raise RuntimeError("initializer refuses")


def handler(event, context):
    return "never"
