"""MLflow 3.11's client against a server's webhook API: create, get, list (paged), update, test, delete, errors.

Usage: webhooks_flow.py PREFIX RECEIVER_URL SECRET. Prints one JSON object of answers on its last line.
MLFLOW_TRACKING_URI (and MLFLOW_TRACKING_TOKEN for Ferry) name the server.
"""

import json
import sys

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

prefix, url, secret = sys.argv[1], sys.argv[2], sys.argv[3]
client = MlflowClient()
out = {}


def events(webhook):
    return sorted(str(e) for e in webhook.events)


def error_code(call):
    try:
        call()
    except MlflowException as e:
        return e.error_code
    return None


a = client.create_webhook(
    name=f"{prefix}-a",
    url=url,
    events=["model_version.created", "model_version_alias.created"],
    description="first",
    secret=secret,
)
out["created"] = [a.name, a.url == url, events(a), a.description, str(a.status), a.secret,
                  a.creation_timestamp > 0, a.creation_timestamp == a.last_updated_timestamp]
b = client.create_webhook(name=f"{prefix}-b", url=url, events=["registered_model.created"], status="DISABLED")
out["created_disabled"] = [str(b.status), b.description]

got = client.get_webhook(a.webhook_id)
out["get"] = [got.webhook_id == a.webhook_id, got.name, events(got), got.secret]

names, token, pages = [], None, 0
while pages < 1000:
    page = client.list_webhooks(max_results=1, page_token=token)
    pages += 1
    names += [w.name for w in page]
    token = page.token
    if not token:
        break
out["listed"] = sorted(n for n in names if n.startswith(prefix))
out["pages_of_one"] = pages >= 2

updated = client.update_webhook(a.webhook_id, description="second", events=["model_version_alias.deleted"])
out["updated"] = [updated.name, updated.description, str(updated.status), events(updated),
                  updated.last_updated_timestamp >= updated.creation_timestamp]

result = client.test_webhook(a.webhook_id)
out["test_first_event"] = [result.success, result.response_status, result.response_body, result.error_message]
result = client.test_webhook(a.webhook_id, event="model_version.created")
out["test_named_event"] = [result.success, result.response_status, result.response_body, result.error_message]

out["error_bad_name"] = error_code(lambda: client.create_webhook(name="bad name!", url=url, events=["model_version.created"]))
out["error_bad_url"] = error_code(lambda: client.create_webhook(name=f"{prefix}-c", url="ftp://example.com/x", events=["model_version.created"]))
out["error_missing"] = error_code(lambda: client.get_webhook("00000000-0000-0000-0000-000000000000"))

client.delete_webhook(a.webhook_id)
out["error_after_delete"] = error_code(lambda: client.get_webhook(a.webhook_id))
client.delete_webhook(b.webhook_id)
print(json.dumps(out))
