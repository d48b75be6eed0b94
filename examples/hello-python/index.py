"""hello-python: greets the "name" of a JSON event, or the world."""

import json
import logging


def handler(event, context):
    name = "world"
    try:
        name = json.loads(event).get("name") or name
    except (ValueError, AttributeError):
        pass  # not JSON, or no object: keep the default
    logging.getLogger().info("greeting %s", name)
    return "Hello, %s!" % name
