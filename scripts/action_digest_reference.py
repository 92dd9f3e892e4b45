#!/usr/bin/env python3
"""Independent implementation of the action digest, version 1 (docs/action-digest.md).

Reads an action document (docs/action-format.md) on stdin and prints sha256:<hex>. Used to
cross-check the Swift implementation against the written specification.
"""
import hashlib, json, struct, sys

def s(value):
    b = value.encode("utf-8")
    return struct.pack(">I", len(b)) + b

def field(tag, value):
    if value is None:
        return tag.encode() + b"\x00"
    return tag.encode() + b"\x01" + s(value)

def trimmed(text):
    return text.strip(" \t\n\r\x0b\x0c\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")

def jv(value):
    if value is None:
        return b"\x10"
    if value is True:
        return b"\x12"
    if value is False:
        return b"\x11"
    if isinstance(value, float) and value.is_integer() and abs(value) < 9.2e18:
        value = int(value)
    if isinstance(value, int):
        return b"\x13" + struct.pack(">q", value)
    if isinstance(value, float):
        return b"\x14" + s(repr(value))
    if isinstance(value, str):
        return b"\x15" + s(value)
    if isinstance(value, list):
        return b"\x16" + struct.pack(">I", len(value)) + b"".join(jv(v) for v in value)
    if isinstance(value, dict):
        out = b"\x17" + struct.pack(">I", len(value))
        for key in sorted(value, key=lambda k: k.encode("utf-8")):
            out += s(key) + jv(value[key])
        return out
    raise TypeError(value)

def encode(doc):
    p = doc.get("principal", {})
    i = doc["input"]
    out = b"interlock.action.v1\n"
    out += field("a", p.get("agent")) + field("l", p.get("launched_by")) + field("t", p.get("task"))
    out += field("c", doc.get("channel")) + field("e", doc.get("environment"))
    out += field("d", doc.get("cwd")) + field("h", doc.get("host")) + field("k", i["kind"])
    kind = i["kind"]
    if kind == "shell":
        out += field("S", trimmed(i["command"])) + field("s", i.get("shell"))
    elif kind == "sql":
        out += field("Q", trimmed(i["sql"])) + field("q", i.get("dialect"))
        out += field("H", i.get("database_host")) + field("D", i.get("database"))
    elif kind == "aws":
        out += field("V", i["service"]) + field("O", i["operation"]) + b"P" + jv(i.get("parameters", {}))
        out += field("R", i.get("region")) + field("A", i.get("account")) + field("F", i.get("profile"))
    elif kind == "tool":
        out += field("M", i.get("server")) + field("T", i["tool"]) + b"J" + jv(i.get("arguments", {}))
    elif kind == "file":
        out += field("W", i["path"]) + field("K", i.get("change", "write"))
        out += field("C", i.get("content")) + field("X", i.get("replaced"))
    elif kind == "plan":
        out += field("G", i.get("tool", "terraform")) + b"Y" + jv(i["plan"])
    return out

if __name__ == "__main__":
    print("sha256:" + hashlib.sha256(encode(json.load(sys.stdin))).hexdigest())
