#!/usr/bin/env python3
"""The GP's consult over ReferralNet's REST/JSON surface, with nothing but the Python standard library.

Finds a patient by BSN (in the body: a BSN never goes into a URL), opens the network view of their support network as
far as the practice's consent reaches, and shows how a refusal looks (google.rpc.Status JSON with its details).
The paths come from the OpenAPI document the server serves at /openapi/v1.json (checked in as docs/openapi.json).

Usage: python3 network_view.py <token> [bsn] [base url]
  token     development bearer token of a GP (dev-token --member karim.haddou@hap-moerwijkzuid.example)
  bsn       the patient's BSN, default the demo's Naima Bakkali (111222333, fictional)
  base url  default http://localhost:5080

Exit codes: 0 ok, 1 usage or unexpected error, 3 the OpenAPI document lacks a path, 4 a call failed.
"""
import json
import sys
import urllib.error
import urllib.request

TIMEOUT_SECONDS = 30


class CallFailed(Exception):
    """A REST call answered with a google.rpc.Status instead of its response."""

    def __init__(self, method, path, http_status, status):
        self.http_status = http_status
        self.status = status
        details = ", ".join(detail.get("reason") or detail.get("@type", "?") for detail in status.get("details", []))
        super().__init__(f"{method} {path}: HTTP {http_status}, code {status.get('code')}: {status.get('message')} [{details}]")


def call(base, method, path, token=None, body=None):
    """Sends one REST call and returns its JSON answer; raises CallFailed with the google.rpc.Status of a refusal."""
    request = urllib.request.Request(base + path, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    data = None
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, data=data, timeout=TIMEOUT_SECONDS) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        raise CallFailed(method, path, error.code, json.load(error)) from None


def main(args):
    if not 1 <= len(args) <= 3 or args[0] in ("-h", "--help"):
        print("usage: python3 network_view.py <token> [bsn] [base url]", file=sys.stderr)
        return 1
    token = args[0]
    bsn = args[1] if len(args) > 1 else "111222333"
    base = (args[2] if len(args) > 2 else "http://localhost:5080").rstrip("/")

    # The contract: both paths this client uses are in the served OpenAPI document.
    document = call(base, "GET", "/openapi/v1.json")
    for path in ("/v1/serviceUsers:findByBsn", "/v1/serviceUsers/{serviceUserId}/networkView"):
        if path not in document["paths"]:
            print(f"error: the OpenAPI document has no {path}", file=sys.stderr)
            return 3
    print(f"openapi: {document['info']['title']} {document['info']['version']}, {len(document['paths'])} paths")

    person = call(base, "POST", "/v1/serviceUsers:findByBsn", token, {"bsn": bsn})["serviceUser"]
    print(f"service user: {person['givenName']} {person['familyName']}, {person['neighbourhood']}, speaks {', '.join(person['languages'])}")

    view = call(base, "GET", f"/v1/serviceUsers/{person['id']}/networkView", token)["view"]
    print(f"basis: {view['basis']}; visible domains: {', '.join(view['visibleLifeDomains'])}")
    coordinator = view.get("coordinator")
    if coordinator:
        print(f"coordinator: {coordinator.get('memberDisplayName') or coordinator['involvement']['memberId']} ({coordinator.get('organizationName')})")
    print("care team:")
    for entry in view.get("careTeam", []):
        who = entry.get("memberDisplayName") or entry.get("spannerDisplayName") or ""
        print(f"  {entry['involvement']['role']} | {entry.get('organizationName') or entry['involvement']['organizationId']} | {who}")
    print("open needs:")
    for open_need in view.get("openNeeds", []):
        need = open_need["need"]
        print(f"  {need['lifeDomain']} ({need['severity']}): {need.get('description', '')}")
    for withheld in view.get("withheld", []):
        print(f"withheld: {withheld['lifeDomain']}: {withheld.get('needs', 0)} needs (ask the coordinator)")
    if not view.get("openNeeds"):
        print("error: the view shows no open need", file=sys.stderr)
        return 4

    # How a refusal looks: INVALID_ARGUMENT as HTTP 400, with google.rpc.ErrorInfo and google.rpc.BadRequest.
    try:
        call(base, "POST", "/v1/serviceUsers:findByBsn", token, {"bsn": "123"})
    except CallFailed as refusal:
        fields = [violation["field"] for detail in refusal.status["details"] for violation in detail.get("fieldViolations", [])]
        print(f"refused as expected: HTTP {refusal.http_status}, code {refusal.status['code']}, bad fields {fields}")
        if refusal.http_status != 400 or fields != ["bsn"]:
            print("error: the refusal is not INVALID_ARGUMENT naming bsn", file=sys.stderr)
            return 4
    else:
        print("error: a three-digit BSN was accepted", file=sys.stderr)
        return 4
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except CallFailed as failure:
        print(f"error: {failure}", file=sys.stderr)
        sys.exit(4)
    except (OSError, ValueError, KeyError) as failure:
        print(f"error: {failure!r}", file=sys.stderr)
        sys.exit(1)
