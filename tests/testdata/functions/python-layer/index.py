from greet import greet


def handler(event, context):
    return greet("python")
