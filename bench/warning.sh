#!/bin/sh
# bench/warning.sh BUILD - the missile-warning chain in real time: the IRBM
# over Japan (4 Oct 2022) replayed through three real nodes on 127.0.0.1
# (KOR and JPN through the US hub) at the speed of the flight, about 23
# minutes. Prints the latency from a plot entering the Korean node to the
# Korean tracks and alerts, and Japan's own fused tracks and alerts, stored
# at the Japanese node (p50, p99), and the time from launch and from first
# detection to the first Japanese civil warning.
#
#   SPEED=10 bench/warning.sh build     # faster, for a look (not the aim)
#   SCENARIO=examples/scenarios/srbm-salvo.json bench/warning.sh build
#
# Aims (issue 6): plot to partner alert p99 under 50 ms; civil warning
# within 60 s of first detection. A benchmark prints; it asserts nothing.
set -eu
BUILD=${1:-build}
SRC=$(cd "$(dirname "$0")/.." && pwd)
SPEED=${SPEED:-1}
SCENARIO=${SCENARIO:-$SRC/examples/scenarios/irbm-over-japan.json}
PORT=${PORT:-7861}
OUT=$(mktemp -d /tmp/gsomia-bench-warning.XXXXXX)

echo "bench/warning: $(basename "$SCENARIO") at ${SPEED}x real time; nodes in $OUT/nodes"
"$BUILD/gsomia" demo --scenario "$SCENARIO" --speed "$SPEED" --port "$PORT" \
    --dir "$OUT/nodes" --quiet --json "$OUT/figures.json" >"$OUT/demo.txt"
python3 - "$OUT/figures.json" <<'EOF'
import json, sys
f = json.load(open(sys.argv[1]))
lat = f.get("latency", {})
def show(name, what):
    s = lat.get(name)
    if s is None:
        print(f"  {what:48s} no samples")
    else:
        print(f"  {what:48s} p50 {s['p50_ms']:8.2f} ms  p99 {s['p99_ms']:8.2f} ms"
              f"  max {s['max_ms']:8.2f} ms  ({s['n']} items)")
print("latency, plot entering the KOR node -> stored at the JPN node:")
show("KOR plot->JPN", "KOR tracks and alerts (via the US hub)")
show("KOR plot->JPN fused", "JPN fused tracks and alerts made on arrival")
print("per hop:")
for h in ("KOR->USA", "USA->JPN", "JPN->USA", "USA->KOR", "KOR->JPN (2 hops)"):
    show(h, h)
if "warning_after_launch_s" in f:
    print(f"first civil warning: {f['warning_after_launch_s']:.1f} s after launch, "
          f"{f['warning_after_detection_s']:.1f} s after first detection")
else:
    print("first civil warning: none issued")
EOF
tail -n 12 "$OUT/demo.txt" | sed -n '/Audit logs/,$p'
