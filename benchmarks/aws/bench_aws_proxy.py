"""The AWS proxy's overhead per call: the same boto3 client, the same moto_server, direct and through
`interlock aws-proxy` (standalone on a fresh home: each call's signature verified, decided, durably
recorded in the audit log, re-signed and forwarded).

  python benchmarks/aws/bench_aws_proxy.py BINARY [CALLS] [BINARY...]

Run it with a Python that has moto[server] and boto3 (e.g. .build/aws-venv/bin/python after .ci/run).
With more than one binary (two builds to compare), each runs its own proxy in front of the same
moto, and calls rotate among direct and every proxy, so that the machine's drift (it varies by more
than the differences worth measuring) falls on all of them alike.
"""
import os
import statistics
import sys
import tempfile
import time

import boto3

from moto_and_proxy import ec2_client, start_moto, start_proxy

binaries = [a for a in sys.argv[1:] if not a.isdigit()]
calls = next((int(a) for a in sys.argv[1:] if a.isdigit()), 2000)


def measure(client, n):
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        client.describe_instances()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


work = tempfile.mkdtemp()
moto, moto_port = start_moto()
proxies, proxied = [], []
for number, binary in enumerate(binaries):
    proxy, _, client = start_proxy(binary, moto_port, os.path.join(work, f"home{number}"))
    proxies.append(proxy)
    proxied.append(client)

try:
    direct = ec2_client(f"http://127.0.0.1:{moto_port}", "a", "b")
    measure(direct, 50)
    for client in proxied:
        measure(client, 50)
    # Rotating call by call, so that drift in moto or the machine falls on every side alike.
    direct_samples, proxied_samples = [], [[] for _ in proxied]
    for _ in range(calls):
        direct_samples += measure(direct, 1)
        for client, samples in zip(proxied, proxied_samples):
            samples += measure(client, 1)

    def q(samples, p):
        return statistics.quantiles(samples, n=100)[p - 1]

    print(f"calls: {calls} each way (ec2 DescribeInstances, boto3 {boto3.__version__})")
    print(f"direct to moto:     p50 {q(direct_samples, 50):.2f} ms  p90 {q(direct_samples, 90):.2f} ms  p99 {q(direct_samples, 99):.2f} ms")
    for binary, samples in zip(binaries, proxied_samples):
        label = "" if len(binaries) == 1 else f" ({binary})"
        print(f"through the proxy{label}:  p50 {q(samples, 50):.2f} ms  p90 {q(samples, 90):.2f} ms  p99 {q(samples, 99):.2f} ms")
        print(f"added by the proxy{label}: p50 {q(samples, 50) - q(direct_samples, 50):.2f} ms")
finally:
    for proxy in proxies:
        proxy.terminate()
    moto.kill()
