"""The MCP proxy's overhead per tool call: the same client, the same server, direct and through
`interlock mcp-proxy` (standalone, each call decided and durably recorded before it is forwarded).

  python3 benchmarks/integrations/bench_mcp_proxy.py BINARY [CALLS]
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

binary = sys.argv[1]
calls = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
server = [sys.executable, os.path.join(os.path.dirname(__file__), "echo_mcp_server.py")]
policy = """version: 1
default_environment: production
environments:
  production:
    tiers: {read: autonomous, write: supervised, destructive: gated, unknown: gated}
mcp:
  servers:
    echo: {trust_annotations: true}
anomalies: {first_time: false}
"""


def run(argv, env):
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)

    def ask(message):
        p.stdin.write((json.dumps(message) + "\n").encode())
        p.stdin.flush()
        if "id" in message:
            return json.loads(p.stdout.readline())

    ask({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}})
    ask({"jsonrpc": "2.0", "method": "notifications/initialized"})
    ask({"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    times = []
    for i in range(calls):
        start = time.perf_counter()
        answer = ask({"jsonrpc": "2.0", "id": i + 2, "method": "tools/call", "params": {"name": "echo", "arguments": {"i": i}}})
        times.append((time.perf_counter() - start) * 1000)
        if answer["result"].get("isError"):
            sys.exit(f"refused: {answer}")
    p.stdin.close()
    p.wait()
    times = times[calls // 10:]  # warm-up
    times.sort()
    return times


with tempfile.TemporaryDirectory() as home:
    path = os.path.join(home, "policy.yaml")
    with open(path, "w") as f:
        f.write(policy)
    env = dict(os.environ, INTERLOCK_HOME=os.path.join(home, "home"), SWIFT_BACKTRACE="enable=no")
    direct = run(server, env)
    proxied = run([binary, "mcp-proxy", "--name", "echo", "--policy", path, "--"] + server, env)
    for name, t in (("direct", direct), ("through mcp-proxy", proxied)):
        print(f"{name:18} p50 {statistics.median(t):6.3f} ms  p90 {t[int(len(t) * 0.9)]:6.3f} ms  p99 {t[int(len(t) * 0.99)]:6.3f} ms  ({len(t)} calls)")
    print(f"overhead p50 {statistics.median(proxied) - statistics.median(direct):.3f} ms")
