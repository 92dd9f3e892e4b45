"""Stands between `interlock aws-proxy` and moto_server (which checks no signatures) and checks what
moto would not: each request that reaches the upstream must carry a valid SigV4 signature for
credentials the upstream really has. The signature is recomputed independently with botocore's own
signer. Every request is recorded, raw, as one JSON line, so that the test can also check that
nothing of the agent's credentials reached the upstream.

    aws_upstream_tap.py LISTEN_PORT UPSTREAM_URL RECORD_FILE KEY:SECRET [KEY:SECRET ...]

Credentials that an STS AssumeRole answer hands out on the way through are learned too.
"""
import base64
import http.client
import json
import re
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

LISTEN, UPSTREAM, RECORD = int(sys.argv[1]), urllib.parse.urlsplit(sys.argv[2]), sys.argv[3]
KNOWN = {}
for pair in sys.argv[4:]:
    key, secret = pair.split(":", 1)
    KNOWN[key] = (secret, None)
LOCK = threading.Lock()
AUTH = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})")


def check_signature(method, path, headers, body):
    match = AUTH.fullmatch(headers.get("Authorization", ""))
    if not match:
        return None, "no SigV4 Authorization header"
    key, _, region, service, signed, signature = match.groups()
    with LOCK:
        known = KNOWN.get(key)
    if known is None:
        return key, f"signed with {key}, which the upstream does not know"
    secret, token = known
    if token is not None and headers.get("X-Amz-Security-Token") != token:
        return key, "the session token is missing or wrong"
    signed_names = signed.split(";")
    lowered = {name.lower(): value for name, value in headers.items()}
    request = AWSRequest(method=method, url=f"http://{lowered['host']}{path}", data=body,
                         headers={name: lowered[name] for name in signed_names})
    request.context["timestamp"] = lowered["x-amz-date"]
    signer_class = S3SigV4Auth if service == "s3" else SigV4Auth
    signer = signer_class(Credentials(key, secret, token), service, region)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if expected != signature:
        return key, f"signature mismatch; botocore's canonical request:\n{canonical}"
    if service == "s3" and lowered.get("x-amz-content-sha256") not in (None, "UNSIGNED-PAYLOAD"):
        import hashlib
        if hashlib.sha256(body).hexdigest() != lowered["x-amz-content-sha256"]:
            return key, "x-amz-content-sha256 does not match the body"
    return key, None


class Tap(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_one(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name: value for name, value in self.headers.items()}
        key, problem = check_signature(self.command, self.path, headers, body)
        record = {"method": self.command, "path": self.path, "headers": headers, "body": base64.b64encode(body).decode(),
                  "key": key, "valid": problem is None, "problem": problem}
        connection = http.client.HTTPConnection(UPSTREAM.hostname, UPSTREAM.port, timeout=60)
        forward = {k: v for k, v in headers.items() if k.lower() not in ("connection", "keep-alive", "expect")}
        connection.request(self.command, self.path, body=body if body or self.command in ("PUT", "POST") else None, headers=forward)
        answer = connection.getresponse()
        data = answer.read()
        # Credentials STS hands out through the tap become known to it.
        if b"<AssumeRoleResponse" in data:
            text = data.decode()
            found = {name: re.search(f"<{name}>([^<]+)</{name}>", text) for name in ("AccessKeyId", "SecretAccessKey", "SessionToken")}
            if all(found.values()):
                with LOCK:
                    KNOWN[found["AccessKeyId"].group(1)] = (found["SecretAccessKey"].group(1), found["SessionToken"].group(1))
        with LOCK, open(RECORD, "a") as out:
            out.write(json.dumps(record) + "\n")
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        connection.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = handle_one


ThreadingHTTPServer(("127.0.0.1", LISTEN), Tap).serve_forever()
