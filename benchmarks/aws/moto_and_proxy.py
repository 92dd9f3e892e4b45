"""What the AWS benchmarks share: moto_server on a free loopback port, and `interlock aws-proxy`
standalone on a fresh home in front of it, with an agent's credentials for boto3."""
import os
import socket
import subprocess
import sys
import time

import boto3
from botocore.config import Config


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


def start_moto():
    """moto_server from this Python's environment; returns (process, port)."""
    port = free_port()
    moto = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait(port)
    return moto, port


def start_proxy(binary, moto_port, home):
    """`BINARY aws-proxy` on a fresh home whose production upstream is moto; returns (process, url,
    boto3 EC2 client with an agent's credentials)."""
    env = dict(os.environ, INTERLOCK_HOME=home, UPSTREAM_SECRET="upstream-secret", USER="bench")
    created = subprocess.run([binary, "token", "create", "--agent", "bench-agent", "--aws"], env=env, capture_output=True, text=True, check=True).stdout
    keys = dict(line.split("=", 1) for line in created.splitlines() if "=" in line and not line.startswith("#"))
    config = home + ".aws-proxy.yaml"
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
    url = proxy.stdout.readline().decode().split()[-1]
    return proxy, url, ec2_client(url, keys["AWS_ACCESS_KEY_ID"], keys["AWS_SECRET_ACCESS_KEY"])


def ec2_client(url, key, secret):
    return boto3.client("ec2", endpoint_url=url, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1}))
