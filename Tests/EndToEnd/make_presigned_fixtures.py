"""Writes Tests/InterlockAWSTests/Fixtures/botocore-presigned.json: URLs presigned by botocore itself
(S3 and a query service) at a fixed time, with AWS's documentation example keys, so that the proxy's
verifier is checked against real client output. Run with a venv that has boto3:
    python Tests/EndToEnd/make_presigned_fixtures.py > Tests/InterlockAWSTests/Fixtures/botocore-presigned.json
"""
import datetime
import json

import boto3
import botocore.auth
from botocore.config import Config

FIXED = datetime.datetime(2026, 11, 21, 21, 30, 0)
botocore.auth.get_current_datetime = lambda: FIXED

session = boto3.Session(aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region_name="us-east-1")
cases = []
s3 = session.client("s3", endpoint_url="http://127.0.0.1:5001", config=Config(signature_version="s3v4"))
for name, method, params in [
    ("s3-get-object", "get_object", {"Bucket": "harness-bucket", "Key": "dir/a b+c.txt"}),
    ("s3-put-object", "put_object", {"Bucket": "harness-bucket", "Key": "upload.bin"}),
    ("s3-delete-object", "delete_object", {"Bucket": "harness-bucket", "Key": "old.txt"}),
]:
    url = s3.generate_presigned_url(method, Params=params, ExpiresIn=900)
    cases.append({"name": name, "method": {"get_object": "GET", "put_object": "PUT", "delete_object": "DELETE"}[method],
                  "url": url, "time": FIXED.strftime("%Y%m%dT%H%M%SZ"), "expires": 900})
ec2 = session.client("ec2", endpoint_url="http://127.0.0.1:5001")
url = ec2.generate_presigned_url("describe_instances", Params={"InstanceIds": ["i-0123456789abcdef0"]}, ExpiresIn=300)
# botocore signs a query-protocol presigned URL for the operation's own method, POST.
cases.append({"name": "ec2-describe-instances", "method": "POST", "url": url, "time": FIXED.strftime("%Y%m%dT%H%M%SZ"), "expires": 300})
print(json.dumps(cases, indent=1))
