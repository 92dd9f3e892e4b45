#!/usr/bin/env bash
# Instructions the shell classifier executes per corpus line (parse and classify), counted by
# valgrind's callgrind in a release build. Unlike lines/s, the count does not move with the load
# on a shared machine, so it shows whether a change made the classifier cheaper.
#
#   scripts/count_shell_instructions.sh [rounds]
#
# Needs valgrind (apt-get install valgrind). The benchmark binary is copied without its debug
# sections first: valgrind 3.19 cannot read the DWARF that Swift 6 writes. Hashing is seeded
# the same in every run (SWIFT_DETERMINISTIC_HASHING), so the count repeats exactly.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
command -v valgrind >/dev/null || { echo "count_shell_instructions: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
swift build -c release --product InterlockBenchmarks > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
strip --strip-debug -o "$work/InterlockBenchmarks" .build/release/InterlockBenchmarks
lines=$(grep -c . Tests/InterlockClassifiersTests/Corpus/shell.jsonl)
# Only ShellClassifier.classify and what it calls are counted: the benchmark classifies every
# line once to warm up, then `rounds` times.
SWIFT_DETERMINISTIC_HASHING=1 INTERLOCK_BENCH_SHELL_ONLY=1 valgrind --tool=callgrind --callgrind-out-file="$work/out" \
    --toggle-collect='$s20InterlockClassifiers15ShellClassifierV8classify11commandLine16workingDirectory0A4Core14ClassificationVSS_SSSgtF' \
    "$work/InterlockBenchmarks" classifiers "$rounds" 2> "$work/log" >/dev/null
total=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/log")
[ -n "$total" ] || { echo "count_shell_instructions: callgrind reported no count; its log:" >&2; cat "$work/log" >&2; exit 1; }
echo "shell classifier: $((total / ((rounds + 1) * lines))) instructions per corpus line ($lines lines, $((rounds + 1)) passes, $total instructions)"
