#!/bin/sh
# test_track_cli.sh - the tracking commands end to end, as a user runs them:
# gsomia sim -> gsomia track (each nation, then a node fusing its partners)
# -> gsomia track-eval; then malformed and impossible input.
#
# usage: test_track_cli.sh GSOMIA SOURCE_DIR
set -eu

G=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# --- simulate a short scenario -------------------------------------------
"$G" sim "$SRC/examples/scenarios/kn23-depressed.json" --seed 7 --out "$T" \
    2>"$T/sim.err" || fail "sim failed: $(cat "$T/sim.err")"
for f in sensors.json plots.jsonl truth.jsonl sensors-KOR.json \
         plots-KOR.jsonl sensors-JPN.json plots-JPN.jsonl sensors-USA.json \
         plots-USA.jsonl; do
    [ -s "$T/$f" ] || fail "sim did not write $f"
done
grep -q 'warhead range' "$T/sim.err" || fail "sim printed no summary"
# The same seed gives the same plots.
"$G" sim "$SRC/examples/scenarios/kn23-depressed.json" --seed 7 \
    --out "$T/again" 2>/dev/null
cmp -s "$T/plots.jsonl" "$T/again/plots.jsonl" || fail "sim is not reproducible"

# --- track each nation, then fuse at JPN ---------------------------------
for n in KOR USA; do
    "$G" track --sensors "$T/sensors-$n.json" <"$T/plots-$n.jsonl" \
        >"$T/$n.jsonl" 2>"$T/$n.err" || fail "track $n: $(cat "$T/$n.err")"
    [ -s "$T/$n.jsonl" ] || fail "track $n wrote no updates"
    grep -q '"track":"'"$n"'-T1"' "$T/$n.jsonl" || fail "no $n-T1 track"
done
"$G" track --sensors "$T/sensors-JPN.json" --fuse-tracks "$T/KOR.jsonl" \
    --fuse-tracks "$T/USA.jsonl" --partner-latency 1 \
    <"$T/plots-JPN.jsonl" >"$T/fused.jsonl" 2>"$T/fused.err" ||
    fail "fused track: $(cat "$T/fused.err")"
grep -q '"sources":\["JPN","KOR","USA"\]' "$T/fused.jsonl" ||
    grep -q '"sources":\["JPN","USA","KOR"\]' "$T/fused.jsonl" ||
    fail "no update fuses all three nations"
grep -q '"impact":{' "$T/fused.jsonl" || fail "no impact prediction"
grep -q '"launch":{' "$T/fused.jsonl" || fail "no launch point"
grep -q '"status":"lost"' "$T/fused.jsonl" || fail "no final lost update"

# --- score: the fused impact prediction at 300 s is within 2 km ----------
"$G" track-eval --truth "$T/truth.jsonl" --sensors "$T/sensors.json" \
    <"$T/fused.jsonl" >"$T/eval.txt" || fail "track-eval failed"
awk '/impact miss at 300 s/ { found = 1; if ($(NF-1) + 0 > 2.0) exit 1 }
     END { if (!found) exit 1 }' "$T/eval.txt" ||
    fail "fused impact miss at 300 s: $(cat "$T/eval.txt")"
awk '/impact ellipse coverage/ { found = 1; if ($4 < 0.8 * $6) exit 1 }
     END { if (!found) exit 1 }' "$T/eval.txt" ||
    fail "impact ellipse coverage: $(cat "$T/eval.txt")"
awk '/^  midcourse/ { found = 1; for (i = 1; i < NF; i++)
         if ($i == "ratio" && $(i+1) + 0 > 3) exit 1 }
     END { if (!found) exit 1 }' "$T/eval.txt" ||
    fail "midcourse RMSE far above the bound: $(cat "$T/eval.txt")"
"$G" track-eval --truth "$T/truth.jsonl" --sensors "$T/sensors.json" \
    --json <"$T/fused.jsonl" | grep -q '"impact_miss_after_launch"' ||
    fail "track-eval --json"
"$G" track-eval --truth "$T/truth.jsonl" --sensors "$T/sensors.json" \
    --nation KOR <"$T/KOR.jsonl" >"$T/eval-kor.txt"
grep -q 'impact ellipse coverage' "$T/eval-kor.txt" || fail "text report"

# --- malformed and impossible plots --------------------------------------
head -n 40 "$T/plots-KOR.jsonl" >"$T/bad.jsonl"
cat >>"$T/bad.jsonl" <<'BAD'
{"time": "2019-07-24T21:35:00Z", "sensor": "KOR-GP1", "range": NaN, "azimuth": 0.1, "elevation": 0.1}
{"time": "2019-07-24T21:35:00Z", "sensor": "KOR-GP1", "range": -5, "azimuth": 0.1, "elevation": 0.1}
{"time": "2019-07-24T21:35:00Z", "sensor": "XXX-1", "range": 5e5, "azimuth": 0.1, "elevation": 0.1}
{"time": "2019-07-25T21:35:00Z", "sensor": "KOR-GP1", "range": 5e5, "azimuth": 0.1, "elevation": 0.1}
{"time": "2019-07-24T21:35:00Z", "sensor": "KOR-GP1", "range": 5e5, "azimuth": 0.1, "elevation": 2.0}
{"time": "2019-07-24T21:35:00Z", "sensor": "KOR-GP1", "range": 5e5, "azimuth": 0.1}
not json at all
{"time": "yesterday", "sensor": "KOR-GP1", "range": 5e5, "azimuth": 0.1, "elevation": 0.1}
BAD
tail -n +41 "$T/plots-KOR.jsonl" >>"$T/bad.jsonl"
"$G" track --sensors "$T/sensors-KOR.json" <"$T/bad.jsonl" \
    >"$T/bad-out.jsonl" 2>"$T/bad.err" || fail "track stopped on bad input"
grep -q '<stdin>:41:.*not valid JSON' "$T/bad.err" || fail "NaN: $(cat "$T/bad.err")"
grep -q '<stdin>:42:.*range -5 is impossible' "$T/bad.err" || fail "negative range"
grep -q '<stdin>:43:.*unknown sensor "XXX-1"' "$T/bad.err" || fail "unknown sensor"
grep -q '<stdin>:44:.*in the future' "$T/bad.err" || fail "future time"
grep -q '<stdin>:45:.*elevation 2 is impossible' "$T/bad.err" || fail "elevation"
grep -q '<stdin>:46:.*missing "elevation"' "$T/bad.err" || fail "missing member"
grep -q '<stdin>:47:.*not valid JSON' "$T/bad.err" || fail "not json"
grep -q '<stdin>:48:.*not an RFC 3339 time' "$T/bad.err" || fail "bad time"
grep -q '8 refused' "$T/bad.err" || fail "refusals not counted: $(tail -1 "$T/bad.err")"
# The bad lines did not corrupt the track: the same updates as without them.
cmp -s "$T/bad-out.jsonl" "$T/KOR.jsonl" || fail "bad plots changed the track"

# --- usage errors ---------------------------------------------------------
if "$G" track <"$T/plots-KOR.jsonl" >/dev/null 2>&1; then
    fail "track without --sensors succeeded"
fi
set +e
"$G" sim /nonexistent.json >/dev/null 2>"$T/e"
rc=$?
set -e
[ $rc -eq 1 ] || fail "sim of a missing file: status $rc"
"$G" track --help | grep -q -- '--fuse-tracks' || fail "track --help"
echo ok
