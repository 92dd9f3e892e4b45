"""A Streamable HTTP MCP server built with the official MCP Python SDK (2.x MCPServer), for the
proxy's HTTP tests: mcp-server-sqlite's two query tools over a SQLite file, with no annotations
(as mcp-server-sqlite declares none), and its `memo://insights` resource.

  python mcp_http_server.py PORT DB
"""
import sqlite3
import sys

from mcp.server.mcpserver import MCPServer

port, db = int(sys.argv[1]), sys.argv[2]
server = MCPServer("sqlite-http")


@server.tool()
def read_query(query: str) -> str:
    """Execute a SELECT query on the SQLite database"""
    with sqlite3.connect(db) as c:
        return repr(c.execute(query).fetchall())


@server.tool()
def write_query(query: str) -> str:
    """Execute an INSERT, UPDATE, DELETE or DDL query on the SQLite database"""
    with sqlite3.connect(db) as c:
        c.execute(query)
        return "ok"


@server.resource("memo://insights")
def insights() -> str:
    """A memo of business insights, as mcp-server-sqlite serves it"""
    return "No business insights have been discovered yet."


server.run("streamable-http", host="127.0.0.1", port=port)
