"""What every end-to-end scenario script prints: one JSON line per step, and a `failed` step
followed by exit status 1 at the first expectation that does not hold. The Swift tests read the
lines (the last one must be `done`)."""
import json
import sys


def step(name, **facts):
    print(json.dumps({"step": name, **facts}), flush=True)


def expect(condition, message):
    if not condition:
        step("failed", message=message)
        sys.exit(1)
