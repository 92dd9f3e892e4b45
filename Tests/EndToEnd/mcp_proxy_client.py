"""Drives `interlock mcp-proxy` with the official MCP Python SDK, against real MCP servers.

Run by the Swift test suite (MCPProxyEndToEndTests) with the SDK generation under test:
  python mcp_proxy_client.py SCENARIO CLIENT -- PROXY COMMAND...
SCENARIO is sqlite or git; the proxy is a command (stdio) or the proxy's URL (Streamable HTTP); CLIENT is auto (SDK 2.x: server/discover, falling back to initialize),
legacy (SDK 2.x forced to initialize) or v1 (SDK 1.x). Humans approve through the gateway's HTTP
API with the tokens in INTERLOCK_APPROVER_TOKENS. Prints one JSON line per step and exits non-zero
on the first expectation that fails.
"""
import asyncio
import json
import os
import sqlite3
import sys
import urllib.request

import mcp
from scenario_steps import expect, step

SCENARIO, CLIENT = sys.argv[1], sys.argv[2]
PROXY = sys.argv[sys.argv.index("--") + 1:]
GATEWAY = os.environ["INTERLOCK_GATEWAY_URL"]
APPROVERS = os.environ["INTERLOCK_APPROVER_TOKENS"].split(",")
V1 = CLIENT == "v1"


def text_of(result):
    return "".join(getattr(c, "text", "") for c in result.content)


def is_error(result):
    """SDK 1.x names the field isError, 2.x is_error."""
    return result.is_error if hasattr(result, "is_error") else result.isError


def approval_id(text):
    return next((w.rstrip(".,;") for w in text.split() if w.startswith("apr_")), None)


def approve(request_id):
    for token in APPROVERS:
        req = urllib.request.Request(
            f"{GATEWAY}/v1/approvals/{request_id}/approve", data=b"{}", method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req) as response:
            expect(response.status == 200, f"approval by a senior answered {response.status}")


async def run(session, protocol):
    tools = await session.list_tools()
    names = sorted(t.name for t in tools.tools)
    step("tools/list", protocol=protocol, tools=names)
    if SCENARIO == "sqlite":
        db = os.environ["INTERLOCK_TEST_DB"]
        rows = await session.call_tool("read_query", {"query": "SELECT name FROM users ORDER BY id"})
        expect(not is_error(rows) and "ada" in text_of(rows), f"read_query passes: {text_of(rows)}")
        step("read_query", isError=is_error(rows))

        # Resources are decided too: the server's memo is read (the policy says its resources
        # are reads); a credentials file is refused before the server sees the request.
        memo = await session.read_resource("memo://insights")
        expect(len(memo.contents) == 1, f"the memo resource is read: {memo}")
        step("resources/read", uri="memo://insights")
        try:
            await session.read_resource("file:///home/dev/.aws/credentials")
            expect(False, "a credentials file must not be read through the proxy")
        except Exception as error:  # the SDK raises its McpError for a JSON-RPC error
            expect("credentials never reach an agent" in str(error), f"the refusal is the policy's: {error}")
        step("resources/read of a credentials file refused", refused=True)

        drop = {"query": "DROP TABLE users"}
        refused = await session.call_tool("write_query", drop)
        request_id = approval_id(text_of(refused))
        expect(is_error(refused) and request_id, f"DROP TABLE is gated with a request id: {text_of(refused)}")
        expect("2 more approvals" in text_of(refused), f"the refusal says what it waits for: {text_of(refused)}")
        with sqlite3.connect(db) as c:
            expect(c.execute("SELECT count(*) FROM sqlite_master WHERE name='users'").fetchone()[0] == 1,
                   "the table still exists: the server never saw the call")
        step("write_query refused", isError=is_error(refused), request=request_id)

        approve(request_id)
        passed = await session.call_tool("write_query", drop)
        expect(not is_error(passed) and not text_of(passed).startswith("Error"), f"the identical call passes once approved: {text_of(passed)}")
        with sqlite3.connect(db) as c:
            expect(c.execute("SELECT count(*) FROM sqlite_master WHERE name='users'").fetchone()[0] == 0, "the table is gone")
        step("write_query approved", isError=is_error(passed))

        again = await session.call_tool("write_query", drop)
        expect(is_error(again) and approval_id(text_of(again)) not in (None, request_id), "an approval covers one call")
        step("write_query again refused", isError=is_error(again))
    else:
        repo = os.environ["INTERLOCK_TEST_REPO"]
        log = await session.call_tool("git_log", {"repo_path": repo, "max_count": 1})
        expect(not is_error(log) and "init" in text_of(log), f"git_log passes: {text_of(log)}")
        step("git_log", isError=is_error(log))
        reset = await session.call_tool("git_reset", {"repo_path": repo})
        expect(is_error(reset) and approval_id(text_of(reset)), f"git_reset is gated by its annotation: {text_of(reset)}")
        step("git_reset refused", isError=is_error(reset), request=approval_id(text_of(reset)))

        # A human engages the kill switch: every call now fails as a JSON-RPC error.
        req = urllib.request.Request(
            f"{GATEWAY}/v1/kill", data=json.dumps({"reason": "end-to-end"}).encode(), method="POST",
            headers={"Authorization": f"Bearer {APPROVERS[0]}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req) as response:
            expect(response.status == 200, "the kill switch is engaged")
        try:
            await session.call_tool("git_log", {"repo_path": repo, "max_count": 1})
            expect(False, "a call under the kill switch must fail")
        except Exception as error:  # the SDK raises its McpError for a JSON-RPC error
            expect("kill switch" in str(error), f"the error names the kill switch: {error}")
        step("git_log under the kill switch", refused=True)


def prepare():
    """The data the scenario acts on: a users table, or a git repository with one commit."""
    if SCENARIO == "sqlite":
        with sqlite3.connect(os.environ["INTERLOCK_TEST_DB"]) as c:
            c.execute("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT)")
            c.execute("INSERT INTO users (name) VALUES ('ada'), ('grace')")
    else:
        import subprocess
        repo = os.environ["INTERLOCK_TEST_REPO"]
        git = ["git", "-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com"]
        subprocess.run(["git", "init", "-q", repo], check=True)
        with open(os.path.join(repo, "README"), "w") as f:
            f.write("hello\n")
        subprocess.run(git + ["add", "README"], check=True)
        subprocess.run(git + ["commit", "-q", "-m", "init"], check=True)


async def main():
    prepare()
    if PROXY[0].startswith("http"):
        # Streamable HTTP: PROXY is the proxy's URL.
        if V1:
            from mcp.client.streamable_http import streamablehttp_client
            async with streamablehttp_client(PROXY[0]) as (read, write, _):
                async with mcp.ClientSession(read, write) as session:
                    init = await session.initialize()
                    await run(session, init.protocolVersion)
        else:
            from mcp.client import Client
            async with Client(PROXY[0], mode="legacy" if CLIENT == "legacy" else "auto") as client:
                await run(client, client.protocol_version)
        step("done")
        return
    params = mcp.StdioServerParameters(command=PROXY[0], args=PROXY[1:], env=dict(os.environ))
    if V1:
        from mcp.client.stdio import stdio_client
        async with stdio_client(params) as (read, write):
            async with mcp.ClientSession(read, write) as session:
                init = await session.initialize()
                await run(session, init.protocolVersion)
    else:
        from mcp.client import Client
        async with Client(params, mode="legacy" if CLIENT == "legacy" else "auto") as client:
            await run(client, client.protocol_version)
    step("done")


asyncio.run(main())
