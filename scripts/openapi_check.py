#!/usr/bin/env python3
"""Checks docs/openapi.yaml against a running gateway.

Validates the document itself (openapi-spec-validator), then starts `interlock serve` on a free
loopback port with a fresh home, drives every endpoint through its main answers (agent, human,
admin, anonymous; allow, pending, deny, errors) and validates each response body against the
schema the document gives for that path, method and status. Any response the document does not
describe, or describes differently, fails the check.

    python scripts/openapi_check.py path/to/interlock
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import yaml
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_spec():
    with open(os.path.join(ROOT, "docs", "openapi.yaml")) as f:
        spec = yaml.safe_load(f)
    validate(spec)
    return spec


class Checker:
    def __init__(self, spec, base):
        self.spec = spec
        self.base = base
        self.checked = set()
        self.failures = []
        self.templates = [(re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", p) + "$"), p) for p in spec["paths"]]

    def schema_for(self, path, method, status, content_type):
        template = next((t for rx, t in self.templates if rx.match(path)), None)
        if template is None:
            raise AssertionError(f"{method} {path}: no path in the document")
        operation = self.spec["paths"][template].get(method.lower())
        if operation is None:
            raise AssertionError(f"{method} {template}: no operation in the document")
        response = operation["responses"].get(str(status))
        if response is None:
            raise AssertionError(f"{method} {template}: status {status} is not documented")
        if "$ref" in response:
            response = self.spec["components"]["responses"][response["$ref"].split("/")[-1]]
        media = response["content"].get(content_type)
        if media is None:
            raise AssertionError(f"{method} {template} {status}: content type {content_type} is not documented")
        return template, media["schema"]

    def call(self, method, path, token=None, body=None, expect=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if token:
            request.add_header("Authorization", "Bearer " + token)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw, ctype = response.status, response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            status, raw, ctype = error.code, error.read(), error.headers.get("Content-Type", "")
        ctype = ctype.split(";")[0].strip()
        try:
            template, schema = self.schema_for(path.split("?")[0], method, status, ctype)
            if expect is not None and status != expect:
                raise AssertionError(f"{method} {path}: expected {expect}, got {status}: {raw[:200]!r}")
            if ctype == "application/json":
                instance = json.loads(raw)
                root = dict(schema)
                root["components"] = self.spec["components"]
                OAS31Validator(root, format_checker=OAS31Validator.FORMAT_CHECKER).validate(instance)
            else:
                instance = raw.decode()
            self.checked.add((method, template, status))
            return status, instance
        except Exception as error:  # noqa: BLE001 — every failure is reported, then the run fails
            self.failures.append(f"{method} {path} -> {status}: {str(error).splitlines()[0]}")
            return status, None


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "interlock")
    spec = load_spec()
    home = tempfile.mkdtemp(prefix="interlock-openapi-")
    env = dict(os.environ, USER="openapi-check", SWIFT_BACKTRACE="enable=no")

    def token(*args):
        out = subprocess.run([binary, "token", "create", "--home", home, *args], check=True, capture_output=True, text=True, env=env)
        return out.stdout.strip().splitlines()[-1]

    agent = token("--agent", "bot")
    alice = token("--human", "alice", "--role", "senior")
    bob = token("--human", "bob", "--role", "senior")
    admin = token("--human", "ada", "--role", "admin")
    policy = os.path.join(home, "policy.yaml")
    with open(policy, "w") as f:
        f.write("version: 1\nextends: builtin\n")
    server = subprocess.Popen([binary, "serve", "--home", home, "--port", "0", "--policy", policy], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = server.stdout.readline()
        if not line.startswith("listening on "):
            raise SystemExit(f"openapi_check: interlock serve did not start: {line}{server.stderr.read()}")
        c = Checker(spec, line.split()[-1])
        c.call("GET", "/healthz", expect=200)
        c.call("GET", "/readyz", expect=200)
        c.call("GET", "/metrics", expect=200)

        def action(command, **context):
            return {"environment": "production", "input": {"kind": "shell", "command": command},
                    "context": {"why": "openapi check", **context}}

        c.call("POST", "/v1/actions", agent, action("ls /srv"), expect=200)
        _, pending = c.call("POST", "/v1/actions", agent, action("rm -rf /srv/app/tmp", rollback="snapshot"), expect=200)
        c.call("POST", "/v1/actions", agent, action("rm -rf /"), expect=200)
        c.call("POST", "/v1/actions", agent, {"input": {"kind": "nope"}}, expect=400)
        c.call("POST", "/v1/actions", None, action("ls"), expect=401)
        c.call("POST", "/v1/actions", alice, action("ls"), expect=403)
        request_id = (pending or {}).get("approval", {}).get("id", "apr_missing")
        c.call("GET", "/v1/approvals", alice, expect=200)
        c.call("GET", "/v1/approvals?state=pending&environment=production", agent, expect=200)
        c.call("GET", "/v1/approvals?state=bogus", alice, expect=400)
        c.call("GET", f"/v1/approvals/{request_id}", agent, expect=200)
        c.call("GET", f"/v1/approvals/{request_id}?wait=1s", alice, expect=200)
        c.call("GET", "/v1/approvals/apr_nothing", alice, expect=404)
        c.call("POST", f"/v1/approvals/{request_id}/approve", agent, {}, expect=403)
        c.call("POST", f"/v1/approvals/{request_id}/approve", alice, {"comment": "ok"}, expect=200)
        c.call("POST", f"/v1/approvals/{request_id}/approve", bob, {}, expect=200)
        c.call("POST", f"/v1/approvals/{request_id}/approve", bob, {}, expect=409)
        c.call("POST", "/v1/actions", agent, action("rm -rf /srv/app/tmp", rollback="snapshot"), expect=200)
        _, other = c.call("POST", "/v1/actions", agent, action("rm -rf /srv/app/cache", rollback="snapshot"), expect=200)
        c.call("POST", f"/v1/approvals/{(other or {}).get('approval', {}).get('id', 'x')}/reject", alice, {"comment": "no"}, expect=200)
        c.call("POST", "/v1/approvals/apr_nothing/reject", alice, {}, expect=404)
        c.call("GET", "/v1/kill", agent, expect=200)
        c.call("POST", "/v1/kill", alice, {"agent": "bot", "reason": "check"}, expect=200)
        c.call("POST", "/v1/actions", agent, action("ls /srv"), expect=200)
        c.call("POST", "/v1/kill", alice, {"agent": "a", "environment": "b"}, expect=400)
        c.call("POST", "/v1/resume", alice, {"agent": "bot"}, expect=200)
        c.call("POST", "/v1/resume", alice, {"agent": "bot"}, expect=409)
        c.call("POST", "/v1/kill", agent, {}, expect=403)
        _, grant = c.call("POST", "/v1/grants", alice, {"agent": "bot", "environment": "production", "operations": ["shell:rm"],
                                                         "targets": ["/srv/app/tmp/**"], "for": "1h", "uses": 1}, expect=201)
        c.call("POST", "/v1/grants", alice, {"agent": "bot", "environment": "production", "operations": [], "targets": [], "for": "1h"}, expect=400)
        c.call("GET", "/v1/grants", alice, expect=200)
        c.call("DELETE", f"/v1/grants/{(grant or {}).get('id', 'x')}", alice, expect=200)
        c.call("DELETE", "/v1/grants/grt_nothing", alice, expect=404)
        c.call("GET", "/v1/tokens", admin, expect=200)
        _, minted = c.call("POST", "/v1/tokens", admin, {"agent": "bot2", "launched_by": "alice"}, expect=201)
        c.call("POST", "/v1/tokens", admin, {}, expect=400)
        c.call("POST", "/v1/tokens", alice, {"agent": "x"}, expect=403)
        c.call("DELETE", f"/v1/tokens/{(minted or {}).get('id', 'x')}", admin, expect=200)
        c.call("DELETE", "/v1/tokens/tok_nothing", admin, expect=404)
        c.call("GET", "/v1/policy", alice, expect=200)
        c.call("POST", "/v1/policy/reload", admin, expect=200)
        with open(policy, "w") as f:
            f.write("version: 1\nextends: builtin\nrules: [{id: x}]\n")
        c.call("POST", "/v1/policy/reload", admin, expect=400)
        c.call("POST", "/v1/policy/reload", alice, expect=403)
    finally:
        server.terminate()
        server.wait(timeout=10)
    if c.failures:
        print("\n".join(c.failures), file=sys.stderr)
        raise SystemExit(f"openapi_check: {len(c.failures)} responses do not match docs/openapi.yaml")
    print(f"openapi ok: {len(c.checked)} documented (operation, status) pairs matched real responses")


if __name__ == "__main__":
    main()
