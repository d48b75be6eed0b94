# http-echo-python: answers an HTTP-trigger event (FC 3.0's shape) with what
# it saw, as {statusCode, headers, body}.
import base64
import json


def handler(event, context):
    ev = json.loads(event)
    body = base64.b64decode(ev["body"]) if ev["isBase64Encoded"] else ev["body"].encode()
    http = ev["requestContext"]["http"]
    return {
        "statusCode": 202,
        "headers": {"Content-Type": "application/json", "X-Echo": "python"},
        "body": json.dumps({"method": http["method"], "path": http["path"], "query": ev["queryParameters"],
                            "body": body.decode("utf-8", "replace"), "requestId": context.request_id}),
    }
