"""Hook cold start, end to end: process start → decision printed, as Claude Code runs it.

  python3 benchmarks/integrations/bench_hook.py BINARY [RUNS] [HISTORY]

Runs `BINARY hook claude` (or `BINARY claude` when BINARY is `interlock-hook`) RUNS times on a fresh home (standalone, built-in policy) with a read
(`ls -la`), each a new process fed its payload on stdin, and reports wall-clock percentiles. The
same is measured for /bin/true to show what process creation alone costs here. With HISTORY, the
home first gets that many earlier decisions (a busy day's log) from the same hook, unmeasured.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

binary = sys.argv[1]
command = [binary, "claude"] if os.path.basename(binary) == "interlock-hook" else [binary, "hook", "claude"]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 200
history = int(sys.argv[3]) if len(sys.argv) > 3 else 0
payload = json.dumps({
    "session_id": "bench", "transcript_path": "/tmp/t.jsonl", "cwd": "/srv/app", "permission_mode": "default",
    "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "ls -la", "description": "list"},
    "tool_use_id": "toolu_bench"}).encode()


def measure(argv, env, count=None):
    times = []
    for _ in range(runs if count is None else count):
        start = time.perf_counter()
        done = subprocess.run(argv, input=payload, capture_output=True, env=env)
        times.append((time.perf_counter() - start) * 1000)
        if argv[0] == binary and (done.returncode != 0 or b'"allow"' not in done.stdout):
            sys.exit(f"unexpected answer: {done.returncode} {done.stdout!r} {done.stderr!r}")
    times.sort()
    return times


with tempfile.TemporaryDirectory() as home:
    env = dict(os.environ, INTERLOCK_HOME=home, SWIFT_BACKTRACE="enable=no")
    env.pop("INTERLOCK_SERVER", None)
    env.pop("INTERLOCK_POLICY", None)
    # Keep the anomaly rules from escalating: the first `ls` is a read, never first-time.
    if history:
        measure(command, env, count=history)
    baseline = measure(["/bin/true"], env)
    hook = measure(command, env)
    for name, t in (("/bin/true", baseline), (" ".join([os.path.basename(binary)] + command[1:]), hook)):
        print(f"{name:24} p50 {statistics.median(t):6.2f} ms  p90 {t[int(len(t) * 0.9)]:6.2f} ms  "
              f"p99 {t[min(len(t) - 1, int(len(t) * 0.99))]:6.2f} ms  ({len(t)} runs)")
