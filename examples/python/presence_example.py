#!/usr/bin/env python3
"""Presence Aggregator from Python: link identities, read presence, check availability, stream changes.

Uses only `requests` and `websockets` (10.4 or newer; Debian: python3-requests, python3-websockets).

    PRESENCE_URL=http://localhost:3000 PRESENCE_KEY=$(cat data/admin-token) python3 presence_example.py

JSON conventions: field names are camelCase (`userId`, `lastSeen`), times are ISO 8601 in UTC with a `Z`
(`2026-03-02T09:00:00.000Z`: parse with `datetime.fromisoformat(s.replace("Z", "+00:00"))`), absent values are
`null`, and every error is `{"error": {"code", "message", ...}}` with a 4xx or 5xx status.
"""
import asyncio
import json
import os
import sys
from datetime import datetime

import requests
import websockets

BASE = os.environ.get("PRESENCE_URL", "http://localhost:3000").rstrip("/")
KEY = os.environ["PRESENCE_KEY"]
# The person the example links (to a WhatsApp number: no signal yet, so "linked, no data"), and the person whose
# changes it streams (alice changes every few seconds in sandbox mode).
PERSON = os.environ.get("PRESENCE_EXAMPLE_PERSON", "py-example")
WHATSAPP_ID = os.environ.get("PRESENCE_EXAMPLE_WHATSAPP", "15550109999")
WATCH = os.environ.get("PRESENCE_EXAMPLE_WATCH", "alice")
CHANGES = int(os.environ.get("PRESENCE_EXAMPLE_CHANGES", "1"))

session = requests.Session()
session.headers["Authorization"] = f"Bearer {KEY}"


def call(method, path, body=None):
    """One API call; `json=` sets Content-Type: application/json (a body without it is answered 415)."""
    response = session.request(method, f"{BASE}{path}", json=body, timeout=10)
    if response.status_code >= 400:
        error = response.json()["error"]
        raise RuntimeError(f"{method} {path}: {response.status_code} {error['code']}: {error['message']}")
    return response.json()


def parse_time(value):
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))


def main():
    linked = call("PUT", f"/v1/users/{PERSON}/identities", {"whatsapp": WHATSAPP_ID})
    print("linked:", linked)

    presence = call("GET", f"/v1/presence/{PERSON}")
    print("presence:", presence["status"], "available" if presence["available"] else "not available")
    for platform, record in presence["platforms"].items():
        print(f"  {platform}: {record['status']} (updated {parse_time(record['lastUpdated'])})")

    answer = call("POST", "/v1/availability?details=true", {"userIds": [PERSON, WATCH]})
    print("availability:", answer["availability"])

    asyncio.run(stream_changes())


async def stream_changes():
    url = BASE.replace("http", "ws", 1) + "/v1/stream"
    # websockets 10.4: extra_headers (renamed additional_headers in later versions).
    async with websockets.connect(url, extra_headers={"Authorization": f"Bearer {KEY}"}) as socket:
        await socket.send(json.dumps({"type": "subscribe", "userIds": [WATCH]}))
        changes = 0
        while changes < CHANGES:
            message = json.loads(await asyncio.wait_for(socket.recv(), timeout=30))
            kind = message["type"]
            if kind == "snapshot":
                print("snapshot:", message["userId"], message["presence"]["status"] if message["presence"] else None, flush=True)
            elif kind in ("presence", "aggregate"):
                changes += 1
                detail = message["presence"]["status"] if kind == "presence" else message["status"]
                print(f"change #{message['seq']} at {message['at']}: {kind} {message['userId']} -> {detail}", flush=True)
            elif kind == "error":
                raise RuntimeError(message["error"])


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # a clear line and a non-zero exit for scripts and CI
        print(f"presence example failed: {error}", file=sys.stderr)
        sys.exit(1)
