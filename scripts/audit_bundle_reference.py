#!/usr/bin/env python3
"""Independent verifier of an audit export bundle (docs/audit-log.md), from the written spec.

Usage: audit_bundle_reference.py BUNDLE_DIR

Decodes every entry's version-1 bytes, recomputes the RFC 6962 tree with hashlib, checks every
checkpoint's C2SP signed-note Ed25519 signature with the `cryptography` package and its root
against the recomputed tree. Prints "ok SIZE ROOTHEX" or the first problem, exit 0 or 1.
"""
import base64, hashlib, json, os, struct, sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

TAGS = {1: "index", 2: "time", 3: "kind", 4: "principal", 5: "launched_by", 6: "channel", 7: "environment",
        8: "action_digest", 9: "action", 10: "redactions", 11: "effect", 12: "operations", 13: "targets",
        14: "blast_radius", 15: "categories", 16: "findings", 17: "outcome", 18: "rule", 19: "reasons",
        20: "approvers", 21: "policy_hash", 22: "subject", 23: "detail"}
LISTS = {10, 12, 13, 15, 16, 19, 20}


def fail(message):
    print("FAILED: " + message)
    sys.exit(1)


def decode_entry(data):
    """Strict decoding of a version-1 entry: increasing tags, exact lengths, nothing trailing."""
    if not data or data[0] != 1:
        raise ValueError("not a version-1 entry")
    fields, offset, last = {}, 1, 0
    while offset < len(data):
        if len(data) - offset < 5:
            raise ValueError("truncated field header")
        tag = data[offset]
        (length,) = struct.unpack(">I", data[offset + 1:offset + 5])
        if tag not in TAGS or tag <= last:
            raise ValueError("bad or repeated tag %d" % tag)
        last = tag
        value = data[offset + 5:offset + 5 + length]
        if len(value) != length:
            raise ValueError("field runs past the end")
        if tag in (1, 2):
            if length != 8:
                raise ValueError("integer field of %d bytes" % length)
            fields[TAGS[tag]] = struct.unpack(">Q", value)[0]
        elif tag in (8, 21):
            if length != 32:
                raise ValueError("hash field of %d bytes" % length)
            fields[TAGS[tag]] = value.hex()
        elif tag in LISTS:
            items, i = [], 0
            while i < len(value):
                (n,) = struct.unpack(">I", value[i:i + 4])
                items.append(value[i + 4:i + 4 + n].decode("utf-8"))
                i += 4 + n
            fields[TAGS[tag]] = items
        else:
            fields[TAGS[tag]] = value.decode("utf-8")
        offset += 5 + length
    for required in ("index", "time", "kind", "principal"):
        if required not in fields:
            raise ValueError("missing " + required)
    return fields


def leaf_hash(entry):
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_of(leaves):
    """MTH(D[n]) by RFC 6962 section 2.1, recursively."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(root_of(leaves[:k]), root_of(leaves[k:]))


def parse_verifier(text):
    name, key_id, key = text.strip().split("+", 2)
    raw = base64.b64decode(key, validate=True)
    if len(raw) != 33 or raw[0] != 1:
        raise ValueError("not an Ed25519 verifier key")
    computed = hashlib.sha256(name.encode() + b"\n\x01" + raw[1:]).digest()[:4]
    if computed.hex() != key_id.lower():
        raise ValueError("key id does not match")
    return name, computed, Ed25519PublicKey.from_public_bytes(raw[1:])


def verify_note(text, origin, keys):
    body, _, signatures = text.rpartition("\n\n")
    body += "\n"
    lines = body.split("\n")
    if len(lines) != 4 or lines[0] != origin:
        raise ValueError("checkpoint for another log or with extension lines")
    size, root = int(lines[1]), base64.b64decode(lines[2], validate=True)
    for line in signatures.split("\n"):
        if not line:
            continue
        if not line.startswith("\u2014 "):
            raise ValueError("malformed signature line")
        name, blob = line[2:].split(" ")
        blob = base64.b64decode(blob, validate=True)
        for key_name, key_id, key in keys:
            if key_name == name and key_id == blob[:4]:
                try:
                    key.verify(blob[4:], body.encode())
                    return size, root
                except InvalidSignature:
                    raise ValueError("bad signature")
    raise ValueError("no signature by a known key")


def main():
    bundle = sys.argv[1]
    origin = open(os.path.join(bundle, "origin")).read().strip()
    keys = [parse_verifier(line) for line in open(os.path.join(bundle, "keys")) if line.strip()]
    leaves = []
    with open(os.path.join(bundle, "entries.jsonl")) as f:
        for number, line in enumerate(f, 1):
            record = json.loads(line)
            entry = base64.b64decode(record["entry"], validate=True)
            try:
                fields = decode_entry(entry)
            except (ValueError, UnicodeDecodeError) as error:
                fail("entries.jsonl:%d: %s" % (number, error))
            if fields["index"] != len(leaves) or record["index"] != len(leaves):
                fail("entries.jsonl:%d: entry claims index %d at position %d" % (number, fields["index"], len(leaves)))
            if fields["kind"] != record["decoded"]["kind"] or fields["principal"] != record["decoded"]["principal"]:
                fail("entries.jsonl:%d: the readable view disagrees with the hashed bytes" % number)
            leaf = leaf_hash(entry)
            if leaf.hex() != record["leaf"]:
                fail("entries.jsonl:%d: leaf hash differs" % number)
            leaves.append(leaf)
    directory = os.path.join(bundle, "checkpoints")
    checked = 0
    for name in sorted(os.listdir(directory)):
        try:
            size, root = verify_note(open(os.path.join(directory, name), encoding="utf-8").read(), origin, keys)
        except ValueError as error:
            fail("%s: %s" % (name, error))
        if size > len(leaves):
            fail("%s signs %d entries; the bundle has %d" % (name, size, len(leaves)))
        if root_of(leaves[:size]) != root:
            fail("%s: root differs from the recomputed tree of size %d" % (name, size))
        checked += 1
    if checked == 0:
        fail("no checkpoints")
    print("ok %d %s (%d checkpoints)" % (len(leaves), root_of(leaves).hex(), checked))


if __name__ == "__main__":
    main()
