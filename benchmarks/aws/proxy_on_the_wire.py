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
import statistics
import subprocess
import sys
import tempfile
import time

import boto3

from moto_and_proxy import start_moto, start_proxy

if shutil.which("tcpdump") is None or os.geteuid() != 0:
    raise SystemExit("proxy_on_the_wire: needs tcpdump (apt-get install tcpdump) and root, to capture on lo")
binary = sys.argv[1]
calls = int(sys.argv[2]) if len(sys.argv) > 2 else 1000

work = tempfile.mkdtemp()
moto, moto_port = start_moto()
proxy, proxy_url, client = start_proxy(binary, moto_port, os.path.join(work, "home"))
proxy_port = proxy_url.rsplit(":", 1)[1]
capture = open(os.path.join(work, "tcpdump.txt"), "w")
tcpdump = subprocess.Popen(["tcpdump", "-l", "-n", "-tt", "-S", "-i", "lo", f"tcp port {proxy_port} or tcp port {moto_port}"],
                           stdout=capture, stderr=subprocess.DEVNULL)
try:
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
