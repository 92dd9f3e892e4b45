#!/usr/bin/env bash
# Builds and runs the libFuzzer targets for the shell and SQL classifiers.
#
#   scripts/fuzz.sh shell [seconds]     # default 60
#   scripts/fuzz.sh sql [seconds]
#
# The targets compile InterlockSyntax, InterlockCore (without the digest, which needs
# swift-crypto) and InterlockClassifiers with `-sanitize=fuzzer,address`. Seeds come from the
# corpora in Tests/InterlockClassifiersTests/Corpus. A crash, a hang (-timeout) or an input of
# up to 4 KiB taking longer than FUZZ_BUDGET_US microseconds stops the run with its input saved
# under .build/fuzz/<target>/.
set -euo pipefail
target="${1:?usage: scripts/fuzz.sh shell|sql [seconds]}"
seconds="${2:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.build/fuzz"
mkdir -p "$out/modules" "$out/$target/corpus"
flags=(-O -sanitize=fuzzer,address -parse-as-library -swift-version 6 -enable-upcoming-feature ExistentialAny -I "$out/modules")

build_module() {
    local name="$1"; shift
    swiftc "${flags[@]}" -module-name "$name" -emit-module -emit-module-path "$out/modules/$name.swiftmodule" \
        -emit-library -static -o "$out/modules/lib$name.a" "$@"
}
build_module InterlockSyntax "$root"/Sources/InterlockSyntax/*.swift
build_module InterlockCore $(ls "$root"/Sources/InterlockCore/*.swift | grep -v ActionDigest.swift)
build_module InterlockClassifiers $(find "$root/Sources/InterlockClassifiers" -name '*.swift')

case "$target" in
    shell) harness="$root/Fuzz/ShellClassifierFuzzer.swift"; seeds="$root/Tests/InterlockClassifiersTests/Corpus/shell.jsonl"; key=input ;;
    sql) harness="$root/Fuzz/SQLClassifierFuzzer.swift"; seeds="$root/Tests/InterlockClassifiersTests/Corpus/sql.jsonl"; key=sql ;;
    *) echo "fuzz.sh: unknown target '$target' (shell or sql)" >&2; exit 3 ;;
esac
swiftc "${flags[@]}" -module-name Fuzz"$target" "$harness" "$root/Fuzz/FuzzBudget.swift" \
    -L "$out/modules" -lInterlockClassifiers -lInterlockCore -lInterlockSyntax -o "$out/$target/fuzzer"

# One seed file per corpus case.
python3 - "$seeds" "$key" "$out/$target/seeds" <<'PY'
import json, os, sys
src, key, dst = sys.argv[1:]
os.makedirs(dst, exist_ok=True)
for n, line in enumerate(open(src, encoding="utf-8")):
    open(os.path.join(dst, f"{n:04d}"), "w", encoding="utf-8").write(json.loads(line)[key])
PY
cd "$out/$target"
export SWIFT_BACKTRACE=enable=no
FUZZ_BUDGET_US="${FUZZ_BUDGET_US:-50000}" ./fuzzer -max_total_time="$seconds" -timeout=2 -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$out/$target/" corpus seeds
