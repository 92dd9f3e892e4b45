"""Where the AWS proxy's time goes, read from the wire: boto3 calls through `interlock aws-proxy`
(standalone, fresh home) to moto_server, with tcpdump on loopback timing each call's packets.

  python benchmarks/aws/proxy_on_the_wire.py BINARY [CALLS]

Needs tcpdump and the right to capture on `lo` (root), and a Python with moto[server] and boto3.
For each call it prints the p10/p50/p90 of: the agent's request arriving → the proxy opening its
upstream connection (verification, decision, durable audit record, re-signing, HTTP client set-up);
the upstream connection's SYN → the request leaving on it; moto's work; moto's first answer byte →
the proxy's answer leaving. Timestamps are the kernel's, so nothing inside the proxy is changed.
"""
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import boto3
from botocore.config import Config

if shutil.which("tcpdump") is None or os.geteuid() != 0:
    raise SystemExit("proxy_on_the_wire: needs tcpdump (apt-get install tcpdump) and root, to capture on lo")
binary = sys.argv[1]
calls = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
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


work = tempfile.mkdtemp()
moto_port = free_port()
moto = subprocess.Popen([os.path.join(bindir, "moto_server"), "-H", "127.0.0.1", "-p", str(moto_port)],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wait(moto_port)
env = dict(os.environ, INTERLOCK_HOME=os.path.join(work, "home"), UPSTREAM_SECRET="upstream-secret", USER="bench")
created = subprocess.run([binary, "token", "create", "--agent", "bench-agent", "--aws"], env=env, capture_output=True, text=True, check=True).stdout
keys = dict(line.split("=", 1) for line in created.splitlines() if "=" in line and not line.startswith("#"))
config = os.path.join(work, "aws-proxy.yaml")
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
proxy_url = proxy.stdout.readline().decode().split()[-1]
proxy_port = proxy_url.rsplit(":", 1)[1]
capture = open(os.path.join(work, "tcpdump.txt"), "w")
tcpdump = subprocess.Popen(["tcpdump", "-l", "-n", "-tt", "-S", "-i", "lo", f"tcp port {proxy_port} or tcp port {moto_port}"],
                           stdout=capture, stderr=subprocess.DEVNULL)
try:
    client = boto3.client("ec2", endpoint_url=proxy_url, region_name="us-east-1", aws_access_key_id=keys["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"], config=Config(retries={"max_attempts": 1}))
    time.sleep(1)
    for _ in range(50 + calls):
        client.describe_instances()
    time.sleep(1)
finally:
    tcpdump.terminate()
    tcpdump.wait()
    capture.close()
    proxy.terminate()
    moto.kill()

packet = re.compile(r"^(\d+\.\d+) IP 127\.0\.0\.1\.(\d+) > 127\.0\.0\.1\.(\d+): Flags \[([^\]]*)\].*length (\d+)")
moto_port, proxy_port = str(moto_port), str(proxy_port)
timelines, current = [], None
for line in open(capture.name):
    m = packet.match(line)
    if not m:
        continue
    t, source, destination, flags, length = float(m[1]), m[2], m[3], m[4], int(m[5])
    if destination == proxy_port and length > 0:
        if current is None or "answered" in current:
            current = {}
            timelines.append(current)
        current["request"] = t  # the last packet of the agent's request
    elif current is None:
        continue
    elif destination == moto_port and flags == "S" and "syn" not in current:
        current["syn"] = t
    elif destination == moto_port and length > 0 and "syn" in current and "forwarded" not in current:
        current["forwarded"] = t
    elif source == moto_port and length > 0 and "forwarded" in current and "upstream" not in current:
        current["upstream"] = t
    elif source == proxy_port and length > 0 and "upstream" in current and "answered" not in current:
        current["answered"] = t
complete = [c for c in timelines[50:] if len(c) == 5]
print(f"{len(complete)} calls through the proxy (ec2 DescribeInstances, boto3 {boto3.__version__}), microseconds:")


def show(name, values):
    deciles = statistics.quantiles(values, n=10)
    print(f"  {name:58s} p10 {deciles[0] * 1e6:6.0f}  p50 {statistics.median(values) * 1e6:6.0f}  p90 {deciles[-1] * 1e6:6.0f}")


show("request in → upstream connection opened (SYN)", [c["syn"] - c["request"] for c in complete])
show("SYN → request on the upstream connection", [c["forwarded"] - c["syn"] for c in complete])
show("moto: request → first answer byte", [c["upstream"] - c["forwarded"] for c in complete])
show("first answer byte → answer to the agent", [c["answered"] - c["upstream"] for c in complete])
show("the proxy's part (all but moto's)", [(c["answered"] - c["request"]) - (c["upstream"] - c["forwarded"]) for c in complete])
