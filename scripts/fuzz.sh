#!/usr/bin/env bash
# Builds and runs the libFuzzer targets for the shell and SQL classifiers.
#
#   scripts/fuzz.sh shell [seconds]     # default 60
#   scripts/fuzz.sh sql [seconds]
#
# The targets compile InterlockSyntax, InterlockCore (without the digest, which needs
# swift-crypto), Yams and InterlockClassifiers with `-sanitize=fuzzer,address`. Seeds come from the
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
# Yams (the classifiers read Kubernetes manifests and patches with it) and its C parser, from
# the checkout SwiftPM made (`swift build` or `swift package resolve` first).
yams="$root/.build/checkouts/Yams/Sources"
[ -d "$yams" ] || { echo "fuzz.sh: $yams is missing; run 'swift package resolve' first" >&2; exit 3; }
mkdir -p "$out/cyaml"
for source in "$yams"/CYaml/src/*.c; do
    clang -O1 -fsanitize=fuzzer-no-link,address -DYAML_DECLARE_STATIC -I "$yams/CYaml/include" -c "$source" -o "$out/cyaml/$(basename "$source" .c).o"
done
ar rcs "$out/modules/libCYaml.a" "$out/cyaml"/*.o
swiftc -O -sanitize=fuzzer,address -parse-as-library -swift-version 5 -D SWIFT_PACKAGE -Xcc -DYAML_DECLARE_STATIC \
    -Xcc -fmodule-map-file="$yams/CYaml/include/module.modulemap" -I "$yams/CYaml/include" \
    -module-name Yams -emit-module -emit-module-path "$out/modules/Yams.swiftmodule" \
    -emit-library -static -o "$out/modules/libYams.a" "$yams"/Yams/*.swift
# Modules that import Yams also see its C module.
flags+=(-Xcc -fmodule-map-file="$yams/CYaml/include/module.modulemap" -I "$yams/CYaml/include")
build_module InterlockSyntax "$root"/Sources/InterlockSyntax/*.swift
build_module InterlockCore $(ls "$root"/Sources/InterlockCore/*.swift | grep -v ActionDigest.swift)
build_module InterlockClassifiers $(find "$root/Sources/InterlockClassifiers" -name '*.swift')

case "$target" in
    shell) harness="$root/Fuzz/ShellClassifierFuzzer.swift"; seeds="$root/Tests/InterlockClassifiersTests/Corpus/shell.jsonl"; key=input ;;
    sql) harness="$root/Fuzz/SQLClassifierFuzzer.swift"; seeds="$root/Tests/InterlockClassifiersTests/Corpus/sql.jsonl"; key=sql ;;
    *) echo "fuzz.sh: unknown target '$target' (shell or sql)" >&2; exit 3 ;;
esac
swiftc "${flags[@]}" -module-name Fuzz"$target" "$harness" "$root/Fuzz/FuzzBudget.swift" \
    -L "$out/modules" -lInterlockClassifiers -lInterlockCore -lInterlockSyntax -lYams -lCYaml -o "$out/$target/fuzzer"

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
