"""Writes Tests/InterlockClassifiersTests/Corpus/aws-traffic/route53-botocore.jsonl: Route 53 requests
(REST-XML) exactly as botocore builds and signs them, captured before they would be sent, with AWS's
documentation example keys, so that the request decoder is checked against real client output. Each
line has the shape of the captured traffic beside it. Run with a venv that has boto3:
    python Tests/EndToEnd/make_route53_fixtures.py > Tests/InterlockClassifiersTests/Corpus/aws-traffic/route53-botocore.jsonl
"""
import datetime
import json

import boto3
import botocore.auth
from botocore.awsrequest import AWSResponse

FIXED = datetime.datetime(2026, 11, 23, 11, 0, 0)
botocore.auth.get_current_datetime = lambda: FIXED


class Stop(Exception):
    pass


captured = []


def capture(request, **_):
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    path = request.url.split("://", 1)[1]
    path = path[path.index("/"):] if "/" in path else "/"
    captured.append({"method": request.method, "path": path,
                     "headers": {k: (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()},
                     "body": body.decode()})
    raise Stop()


session = boto3.Session(aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region_name="us-east-1")
client = session.client("route53")
client.meta.events.register("before-send", capture)

record = {"Name": "api.example.com.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.1"}]}
calls = [
    ("ListHostedZones", "list_hosted_zones", {}),
    ("GetHostedZone", "get_hosted_zone", {"Id": "Z0123456789ABCDEFGHIJ"}),
    ("ListResourceRecordSets", "list_resource_record_sets", {"HostedZoneId": "Z0123456789ABCDEFGHIJ"}),
    ("CreateHostedZone", "create_hosted_zone", {"Name": "example.com", "CallerReference": "ref-1"}),
    ("DeleteHostedZone", "delete_hosted_zone", {"Id": "Z0123456789ABCDEFGHIJ"}),
    ("ChangeResourceRecordSets", "change_resource_record_sets",
     {"HostedZoneId": "Z0123456789ABCDEFGHIJ", "ChangeBatch": {"Changes": [{"Action": "UPSERT", "ResourceRecordSet": record}]}}),
    ("ChangeResourceRecordSets", "change_resource_record_sets",
     {"HostedZoneId": "/hostedzone/Z0123456789ABCDEFGHIJ", "ChangeBatch": {"Comment": "DELETE later",
      "Changes": [{"Action": "CREATE", "ResourceRecordSet": dict(record, Name="new.example.com.")},
                  {"Action": "DELETE", "ResourceRecordSet": record}]}}),
    ("GetChange", "get_change", {"Id": "C2682N5HXP0BZ4"}),
    ("DeleteHealthCheck", "delete_health_check", {"HealthCheckId": "abcdef11-2222-3333-4444-555555fedcba"}),
]
for operation, method, params in calls:
    try:
        getattr(client, method)(**params)
    except Stop:
        pass
    request = captured.pop()
    print(json.dumps({"client": "botocore-route53", "service": "route53", "operation": operation,
                      "protocol": "rest-xml", "request": request}, sort_keys=True))
