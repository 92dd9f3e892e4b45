"""The AWS proxy's end-to-end scenario, with real AWS clients (boto3 and the AWS CLI) going through
`interlock aws-proxy` to moto_server. Prints one JSON line per step and exits non-zero at the first
expectation that fails. The Swift test (AWSProxyEndToEndTests) starts every process and passes:

  INTERLOCK_AWS_PROXY      the proxy's URL
  INTERLOCK_GATEWAY_URL    `interlock serve` on the same home, for approvals and the kill switch
  INTERLOCK_APPROVERS      two senior humans' bearer tokens, comma-separated
  PROD_AGENT, STAGING_AGENT  files with the agents' `token create --aws` output
  PROD_MOTO, STAGING_MOTO  the moto servers' own URLs (the operator's direct view)
  PROD_TAP_RECORD, STAGING_TAP_RECORD  what reached each upstream (aws_upstream_tap.py)
  AWS_CLI                  the `aws` executable
"""
import datetime
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import boto3
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from scenario_steps import expect, step

PROXY = os.environ["INTERLOCK_AWS_PROXY"]
GATEWAY = os.environ["INTERLOCK_GATEWAY_URL"]
APPROVERS = os.environ["INTERLOCK_APPROVERS"].split(",")
REGION = "us-east-1"
CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"})


def agent_credentials(path):
    values = {}
    for line in open(path):
        if "=" in line and not line.startswith("#"):
            key, value = line.strip().split("=", 1)
            values[key] = value
    return values


PROD = agent_credentials(os.environ["PROD_AGENT"])
STAGING = agent_credentials(os.environ["STAGING_AGENT"])


def agent_client(service, credentials, **extra):
    return boto3.client(service, endpoint_url=PROXY, region_name=REGION, config=CONFIG,
                        aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=extra.pop("secret", credentials["AWS_SECRET_ACCESS_KEY"]),
                        aws_session_token=credentials.get("AWS_SESSION_TOKEN"), **extra)


def operator_client(service, url):
    return boto3.client(service, endpoint_url=url, region_name=REGION, config=CONFIG,
                        aws_access_key_id="operator", aws_secret_access_key="operator")


def refused(call):
    """Runs a call that must be refused; returns (code, message)."""
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"], error.response["Error"].get("Message", "")
    expect(False, "the call was not refused")


def cli(credentials, *arguments):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=credentials["AWS_ACCESS_KEY_ID"], AWS_SECRET_ACCESS_KEY=credentials["AWS_SECRET_ACCESS_KEY"],
               AWS_ENDPOINT_URL=PROXY, AWS_DEFAULT_REGION=REGION, AWS_MAX_ATTEMPTS="1", AWS_CONFIG_FILE="/dev/null",
               AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    env.pop("AWS_SESSION_TOKEN", None)
    # `--endpoint-url` rather than AWS_ENDPOINT_URL: CLI v1 ignores the variable for some services (rds).
    return subprocess.run([os.environ["AWS_CLI"], *arguments, "--endpoint-url", PROXY, "--output", "json"], env=env, capture_output=True, text=True, timeout=120)


def gateway(method, path, token, body=None):
    request = urllib.request.Request(GATEWAY + path, data=json.dumps(body or {}).encode() if method == "POST" else None, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def approval_id(message):
    words = [w for w in message.replace(",", " ").split() if w.startswith("apr_")]
    expect(words, f"the refusal names an approval request: {message}")
    return words[0]


def raw_request(method, url, headers, body):
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def signed_raw(credentials, service, body, when, content_type="application/x-www-form-urlencoded; charset=utf-8"):
    """A request signed by botocore at a chosen time, sent by hand."""
    request = AWSRequest(method="POST", url=PROXY + "/", data=body, headers={"Content-Type": content_type})
    original = botocore.auth.get_current_datetime
    botocore.auth.get_current_datetime = lambda: when
    try:
        botocore.auth.SigV4Auth(Credentials(credentials["AWS_ACCESS_KEY_ID"], credentials["AWS_SECRET_ACCESS_KEY"]), service, REGION).add_auth(request)
    finally:
        botocore.auth.get_current_datetime = original
    return request


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


# --- The operator's production, made directly on moto (not through the proxy). ---
prod_ec2 = operator_client("ec2", os.environ["PROD_MOTO"])
instance = prod_ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, InstanceType="t2.micro")["Instances"][0]["InstanceId"]
operator_client("cloudformation", os.environ["PROD_MOTO"]).create_stack(
    StackName="production", TemplateBody=json.dumps({"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "orders"}}}}))
operator_client("rds", os.environ["PROD_MOTO"]).create_db_instance(
    DBInstanceIdentifier="orders-db", DBInstanceClass="db.t3.micro", Engine="postgres", AllocatedStorage=20,
    MasterUsername="admin", MasterUserPassword="password123")
operator_client("iam", os.environ["PROD_MOTO"]).create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
step("production set up", instance=instance)


def instance_state():
    return prod_ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]["State"]["Name"]


# --- Reads pass, through boto3 and the CLI. ---
ec2 = agent_client("ec2", PROD)
found = [i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]
expect(instance in found, f"describe-instances through the proxy sees the instance: {found}")
result = cli(PROD, "ec2", "describe-instances")
expect(result.returncode == 0 and instance in result.stdout, f"aws ec2 describe-instances passes: {result.stderr}")
step("describe-instances passes", boto3=True, cli=True)

# --- Terminate is gated; the instance keeps running. Without a stated reason and rollback plan
# (which the built-in policy requires for production data loss) nothing is even filed, and the
# refusal says how to state them; an SDK states them in X-Interlock headers. ---
code, message = refused(lambda: ec2.terminate_instances(InstanceIds=[instance]))
expect(code == "AccessDenied" and "X-Interlock-Rollback" in message and "nothing was filed" in message, f"terminate without context: {code} {message}")


def state_context(client, operation):
    def add(request, **_):
        request.headers["X-Interlock-Why"] = "the canary instance is stale and costs money"
        request.headers["X-Interlock-Rollback"] = "relaunch%20from%20the%20same%20AMI"
    client.meta.events.register(f"before-sign.{client.meta.service_model.endpoint_prefix}.{operation}", add)


state_context(ec2, "TerminateInstances")
code, message = refused(lambda: ec2.terminate_instances(InstanceIds=[instance]))
expect(code == "AccessDenied" and "required (2 approvers)" in message and "retry the identical call" in message, f"terminate is gated: {code} {message}")
terminate_request = approval_id(message)
expect(instance_state() == "running", "the instance is still running")
step("terminate-instances gated", approval=terminate_request, state=instance_state())

# --- Deleting the production stack is blocked: the incident. ---
result = cli(PROD, "cloudformation", "delete-stack", "--stack-name", "production")
expect(result.returncode != 0 and "AccessDenied" in result.stderr and "tearing down a production environment is blocked" in result.stderr,
       f"delete-stack is blocked: {result.stderr}")
stacks = operator_client("cloudformation", os.environ["PROD_MOTO"]).describe_stacks(StackName="production")["Stacks"]
expect(stacks[0]["StackStatus"] != "DELETE_COMPLETE", "the stack still exists")
step("cloudformation delete-stack blocked")

# --- DNS: Route 53 speaks REST-XML; its change batch is read from the XML body. Listing passes;
# a batch that deletes the API's record is gated and the record stays. ---
prod_dns = operator_client("route53", os.environ["PROD_MOTO"])
zone = prod_dns.create_hosted_zone(Name="example.com", CallerReference="scenario")["HostedZone"]["Id"].split("/")[-1]
api_record = {"Name": "api.example.com.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.1"}]}
prod_dns.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": api_record}]})
dns = agent_client("route53", PROD)
names = [r["Name"] for r in dns.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]]
expect("api.example.com." in names, f"list-resource-record-sets through the proxy sees the record: {names}")
state_context(dns, "ChangeResourceRecordSets")
code, message = refused(lambda: dns.change_resource_record_sets(
    HostedZoneId=zone, ChangeBatch={"Comment": "routine", "Changes": [{"Action": "DELETE", "ResourceRecordSet": api_record}]}))
expect(code == "AccessDenied" and "required (2 approvers)" in message, f"a DNS delete is gated: {code} {message}")
dns_request = gateway("GET", "/v1/approvals/" + approval_id(message), APPROVERS[0])
expect("deletes DNS records" in json.dumps(dns_request), f"the request says what the batch does: {dns_request}")
names = [r["Name"] for r in prod_dns.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]]
expect("api.example.com." in names, f"the record is still there: {names}")
step("route53 delete in a change batch gated", approval=approval_id(message))

# --- RDS delete without a final snapshot: gated. The CLI cannot state a rollback plan, so it is
# told how; boto3 states it in X-Interlock headers and the request is filed. ---
result = cli(PROD, "rds", "delete-db-instance", "--db-instance-identifier", "orders-db", "--skip-final-snapshot")
expect(result.returncode != 0 and "AccessDenied" in result.stderr and "rollback" in result.stderr, f"delete-db-instance is refused: {result.stderr}")
rds = agent_client("rds", PROD)
state_context(rds, "DeleteDBInstance")
code, message = refused(lambda: rds.delete_db_instance(DBInstanceIdentifier="orders-db", SkipFinalSnapshot=True))
expect(code == "AccessDenied" and "required (2 approvers)" in message, f"delete-db-instance with context is gated: {code} {message}")
dbs = operator_client("rds", os.environ["PROD_MOTO"]).describe_db_instances()["DBInstances"]
expect([d["DBInstanceIdentifier"] for d in dbs] == ["orders-db"], "the database still exists")
step("rds delete-db-instance --skip-final-snapshot gated", approval=approval_id(message))

# --- Attaching AdministratorAccess is gated. ---
result = cli(PROD, "iam", "attach-role-policy", "--role-name", "app", "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess")
expect(result.returncode != 0 and "AccessDenied" in result.stderr and "apr_" in result.stderr, f"attach-role-policy is gated: {result.stderr}")
attached = operator_client("iam", os.environ["PROD_MOTO"]).list_attached_role_policies(RoleName="app")["AttachedPolicies"]
expect(attached == [], f"nothing was attached: {attached}")
step("iam attach-role-policy AdministratorAccess gated")

# --- Credentials never reach the agent through the proxy: GetSessionToken, signed with the
# proxy's own production keys, would return temporary keys that work without Interlock. STS
# itself passes (GetCallerIdentity); what would hand out credentials is blocked. ---
sts = agent_client("sts", PROD)
identity = sts.get_caller_identity()
expect("Account" in identity, f"get-caller-identity passes through the proxy: {identity}")
code, message = refused(lambda: sts.get_session_token())
expect(code == "AccessDenied" and "production credentials" in message, f"get-session-token is blocked: {code} {message}")
result = cli(PROD, "ecr", "get-login-password")
expect(result.returncode != 0 and "AccessDenied" in result.stderr and "production credentials" in result.stderr,
       f"ecr get-login-password is blocked: {result.stderr}")
step("sts get-session-token and ecr get-login-password blocked, get-caller-identity passes")

# --- A day of a GPU instance costs more than the built-in production cost limit: the proxy prices
# the launch from its parameters and it waits for a human; nothing is launched. ---
before = len([i for r in prod_ec2.describe_instances()["Reservations"] for i in r["Instances"]])
result = cli(PROD, "ec2", "run-instances", "--image-id", "ami-12345678", "--instance-type", "p4d.24xlarge", "--count", "1")
expect(result.returncode != 0 and "AccessDenied" in result.stderr and "production-cost" in result.stderr and "$786" in result.stderr,
       f"an expensive launch is gated by the cost limit: {result.stderr}")
after = len([i for r in prod_ec2.describe_instances()["Reservations"] for i in r["Instances"]])
expect(after == before, f"nothing was launched: {before} → {after}")
step("ec2 run-instances p4d.24xlarge gated by the cost limit")

# --- Two humans approve; the identical terminate passes once. ---
for token in APPROVERS:
    gateway("POST", f"/v1/approvals/{terminate_request}/approve", token, {"comment": "instance is a stale canary"})
answer = ec2.terminate_instances(InstanceIds=[instance])
expect(answer["TerminatingInstances"][0]["InstanceId"] == instance, f"the approved terminate passed: {answer}")
expect(instance_state() in ("shutting-down", "terminated"), f"the instance is terminated: {instance_state()}")
code, message = refused(lambda: ec2.terminate_instances(InstanceIds=[instance]))
expect(code == "AccessDenied" and approval_id(message) != terminate_request, f"the approval was used once: {message}")
step("approved terminate passed once", state=instance_state())

# --- Authentication failures, in AWS's words. ---
code, _ = refused(lambda: agent_client("ec2", PROD, secret="wrong" + PROD["AWS_SECRET_ACCESS_KEY"][5:]).describe_instances())
expect(code == "SignatureDoesNotMatch", f"a wrong secret: {code}")
code, _ = refused(lambda: boto3.client("ec2", endpoint_url=PROXY, region_name=REGION, config=CONFIG, aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                                       aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").describe_instances())
expect(code == "InvalidClientTokenId", f"an unknown key: {code}")
replayed = signed_raw(PROD, "ec2", "Action=DescribeInstances&Version=2016-11-15", utcnow() - datetime.timedelta(minutes=10))
status, text = raw_request("POST", replayed.url, dict(replayed.headers), replayed.body)
expect(status == 403 and "<Code>RequestTimeTooSkewed</Code>" in text, f"a request signed 10 minutes ago: {status} {text}")
fresh = signed_raw(PROD, "ec2", "Action=DescribeInstances&Version=2016-11-15", utcnow())
status, text = raw_request("POST", fresh.url, dict(fresh.headers), fresh.body)
expect(status == 200, f"the same request signed now passes: {status} {text[:200]}")
altered = signed_raw(PROD, "ec2", f"Action=DescribeInstances&Version=2016-11-15&InstanceId.1={instance}", utcnow())
status, text = raw_request("POST", altered.url, dict(altered.headers), f"Action=TerminateInstances&Version=2016-11-15&InstanceId.1={instance}".encode())
expect(status == 403 and "<Code>SignatureDoesNotMatch</Code>" in text, f"a body altered after signing: {status} {text}")
step("bad signature, unknown key, 10-minute-old replay and altered body refused")

# --- The staging agent reaches staging only, through an assumed role; S3 with 100-continue and
# aws-chunked streaming bodies. ---
s3 = agent_client("s3", STAGING)
s3.create_bucket(Bucket="staging-artifacts")
started = time.monotonic()
s3.put_object(Bucket="staging-artifacts", Key="build/app.tar", Body=b"x" * 300_000)
put_seconds = time.monotonic() - started
expect(put_seconds < 0.9, f"PutObject with Expect: 100-continue did not wait for a timeout ({put_seconds:.2f} s)")
staging_s3 = operator_client("s3", os.environ["STAGING_MOTO"])
expect(staging_s3.get_object(Bucket="staging-artifacts", Key="build/app.tar")["Body"].read() == b"x" * 300_000, "the object arrived whole")
prod_buckets = [b["Name"] for b in operator_client("s3", os.environ["PROD_MOTO"]).list_buckets().get("Buckets", [])]
expect("staging-artifacts" not in prod_buckets, "nothing of staging reached production")
code, _ = refused(lambda: agent_client("ec2", STAGING).terminate_instances(InstanceIds=[instance]))
expect(code in ("AccessDenied", "InvalidInstanceID.NotFound"), f"the staging agent cannot touch the production instance: {code}")


def chunked_put(key, chunks, signed, tamper=False):
    """PutObject with an aws-chunked body, signed chunk by chunk (an independent implementation of
    the S3 streaming format) or unsigned with a CRC32 trailer."""
    import base64
    import zlib
    when = utcnow()
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    scope = f"{amz_date[:8]}/{REGION}/s3/aws4_request"
    payload = b"".join(chunks)
    mode = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" if signed else "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    host = PROXY.split("://")[1]
    headers = {"Host": host, "X-Amz-Date": amz_date, "X-Amz-Content-SHA256": mode, "Content-Encoding": "aws-chunked",
               "X-Amz-Decoded-Content-Length": str(len(payload))}
    if not signed:
        headers["X-Amz-Trailer"] = "x-amz-checksum-crc32"
    if STAGING.get("AWS_SESSION_TOKEN"):
        headers["X-Amz-Security-Token"] = STAGING["AWS_SESSION_TOKEN"]
    headers["Content-Type"] = "application/octet-stream"
    names = sorted(h.lower() for h in headers)
    canonical_headers = "".join(f"{n}:{headers[[h for h in headers if h.lower() == n][0]].strip()}\n" for n in names)
    canonical = "\n".join(["PUT", f"/staging-artifacts/{key}", "", canonical_headers, ";".join(names), mode])
    def hm(k, m):
        return hmac.new(k, m.encode(), hashlib.sha256).digest()
    signing_key = hm(hm(hm(hm(("AWS4" + STAGING["AWS_SECRET_ACCESS_KEY"]).encode(), amz_date[:8]), REGION), "s3"), "aws4_request")
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    seed = hmac.new(signing_key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = f"AWS4-HMAC-SHA256 Credential={STAGING['AWS_ACCESS_KEY_ID']}/{scope}, SignedHeaders={';'.join(names)}, Signature={seed}"
    body, previous = b"", seed
    for chunk in chunks + [b""]:
        if signed:
            text = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous, hashlib.sha256(b"").hexdigest(), hashlib.sha256(chunk).hexdigest()])
            previous = hmac.new(signing_key, text.encode(), hashlib.sha256).hexdigest()
            body += f"{len(chunk):x};chunk-signature={previous}\r\n".encode() + chunk + (b"\r\n" if chunk else b"")
        else:
            body += f"{len(chunk):x}\r\n".encode() + chunk + (b"\r\n" if chunk else b"")
    if not signed:
        crc = base64.b64encode(zlib.crc32(payload).to_bytes(4, "big")).decode()
        body += f"x-amz-checksum-crc32:{crc}\r\n".encode()
    body += b"\r\n"
    if tamper:
        body = body.replace(b"a" * 10, b"c" * 10, 1)
    headers.pop("Host")
    return raw_request("PUT", f"{PROXY}/staging-artifacts/{key}", headers, body), payload


for signed in (True, False):
    (status, text), payload = chunked_put(f"chunked-{signed}.bin", [b"a" * 70_000, b"b" * 1000], signed)
    expect(status == 200, f"aws-chunked PutObject (signed chunks: {signed}): {status} {text[:300]}")
    expect(staging_s3.get_object(Bucket="staging-artifacts", Key=f"chunked-{signed}.bin")["Body"].read() == payload, "the de-chunked object arrived whole")
(status, text), _ = chunked_put("forged.bin", [b"a" * 100], True, tamper=True)
expect(status == 403 and "<Code>SignatureDoesNotMatch</Code>" in text, f"a signed chunk altered in flight is refused: {status} {text[:300]}")
expect("forged.bin" not in [o["Key"] for o in staging_s3.list_objects_v2(Bucket="staging-artifacts").get("Contents", [])], "nothing was stored")
step("staging agent: S3 with 100-continue and aws-chunked bodies, staging only", put_seconds=round(put_seconds, 3))

# --- The kill switch refuses everything at once. ---
gateway("POST", "/v1/kill", APPROVERS[0], {"reason": "end-to-end test"})
time.sleep(0.6)
code, message = refused(lambda: ec2.describe_instances())
expect(code == "AccessDenied" and "kill switch" in message.lower(), f"the kill switch refuses reads too: {code} {message}")
gateway("POST", "/v1/resume", APPROVERS[0], {})
step("kill switch refuses everything")

# --- What reached the upstreams: validly signed with upstream credentials, nothing of the agents'. ---
agent_secrets = [PROD["AWS_ACCESS_KEY_ID"], PROD["AWS_SECRET_ACCESS_KEY"], STAGING["AWS_ACCESS_KEY_ID"], STAGING["AWS_SECRET_ACCESS_KEY"]]
counts = {}
for name in ("PROD_TAP_RECORD", "STAGING_TAP_RECORD"):
    records = [json.loads(line) for line in open(os.environ[name])]
    expect(records, f"{name}: requests reached the upstream")
    for record in records:
        expect(record["valid"], f"{name}: {record['method']} {record['path']} is not validly signed for the upstream: {record['problem']}")
        raw = json.dumps(record["headers"]) + record["path"] + record["body"]
        import base64
        raw += base64.b64decode(record["body"]).decode("latin-1")
        for secret in agent_secrets:
            expect(secret not in raw, f"{name}: an agent credential reached the upstream in {record['method']} {record['path']}")
    counts[name] = len(records)
prod_keys = {r["key"] for r in map(json.loads, open(os.environ["PROD_TAP_RECORD"]))}
staging_keys = {r["key"] for r in map(json.loads, open(os.environ["STAGING_TAP_RECORD"]))}
expect(not (prod_keys & staging_keys), f"each upstream saw only its own credentials: {prod_keys} {staging_keys}")
step("upstream signatures valid, no agent credentials upstream", **counts)
step("done")
