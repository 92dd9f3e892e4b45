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
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import boto3
from botocore.config import Config

binaries = [a for a in sys.argv[1:] if not a.isdigit()]
calls = next((int(a) for a in sys.argv[1:] if a.isdigit()), 2000)
bindir = os.path.dirname(sys.executable)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(port):
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port}")


def measure(client, n):
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        client.describe_instances()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


work = tempfile.mkdtemp()
moto_port = free_port()
moto = subprocess.Popen([os.path.join(bindir, "moto_server"), "-H", "127.0.0.1", "-p", str(moto_port)],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wait(moto_port)
proxies, urls = [], []
for number, binary in enumerate(binaries):
    env = dict(os.environ, INTERLOCK_HOME=os.path.join(work, f"home{number}"), UPSTREAM_SECRET="upstream-secret", USER="bench")
    created = subprocess.run([binary, "token", "create", "--agent", "bench-agent", "--aws"], env=env, capture_output=True, text=True, check=True).stdout
    keys = dict(line.split("=", 1) for line in created.splitlines() if "=" in line and not line.startswith("#"))
    config = os.path.join(work, f"aws-proxy{number}.yaml")
    with open(config, "w") as f:
        f.write(f"""upstreams:
  production:
    environment: production
    account: "123456789012"
    endpoint: http://127.0.0.1:{moto_port}
    credentials: {{access_key_id: AKIAUPSTREAM00000001, secret_access_key_env: UPSTREAM_SECRET}}
agents:
  bench-agent: production
""")
    proxy = subprocess.Popen([binary, "aws-proxy", "--config", config, "--listen", "127.0.0.1:0"], env=env, stdout=subprocess.PIPE)
    proxies.append(proxy)
    urls.append((proxy.stdout.readline().decode().split()[-1], keys))

try:
    settings = dict(region_name="us-east-1", config=Config(retries={"max_attempts": 1}))
    direct = boto3.client("ec2", endpoint_url=f"http://127.0.0.1:{moto_port}", aws_access_key_id="a", aws_secret_access_key="b", **settings)
    proxied = [boto3.client("ec2", endpoint_url=url, aws_access_key_id=keys["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"], **settings) for url, keys in urls]
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
