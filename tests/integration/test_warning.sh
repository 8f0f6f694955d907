#!/bin/sh
# test_warning.sh - the missile-warning chain on three real nodes on
# 127.0.0.1 (KOR and JPN through USA, the hub), fed the simulated plots of
# their own radars faster than real time:
#   1. IRBM over Japan, with a Korean label not releasable to Japan, the
#      Japanese node killed and restarted once its civil warning is out,
#      and the US node killed and restarted mid-flight: fused tracks and
#      alerts reach Japan, nothing Korean does, the US still fuses the
#      Korean tracks, no alert is lost, the civil warning goes on across
#      Japan's restart (one Alert) and validates as CAP 1.2;
#   2. IRBM again, bad plots refused by the Japanese node (which runs on),
#      Japan's radars silent and no partner permitting civil warnings: no
#      warning, until the US consents; then a warning, which
#      is cancelled when the US withdraws its tracks;
#   3. the SRBM salvo: fused tracks and alerts of every missile.
# Usage: test_warning.sh GSOMIA SOURCE_DIR PYTHON
set -u
G=$1
SRC=$2
PY=$3
EX=$SRC/examples
XSD=$SRC/data/cap/cap-1.2.xsd
TOP=$(mktemp -d /tmp/gsomia-warning.XXXXXX)
T=$TOP
# Replay speed: the nodes must keep up; sanitizer builds run slower
# (the Makefile sets GSOMIA_TEST_SPEED for them).
SPEED=${GSOMIA_TEST_SPEED:-40}
SALVO_SPEED=$((SPEED / 2))
export GSOMIA_LOG=info
. "$SRC/scripts/lib/federation.sh"

BG=""   # background helpers (watchers, the CoT listener), to stop
stop_all() {
    fed_kill_all
    for p in $BG; do kill "$p" 2>/dev/null; done
    BG=""
    wait 2>/dev/null
}
cleanup() {
    stop_all
    if [ -n "${GSOMIA_KEEP:-}" ]; then echo "kept $TOP"; else rm -rf "$TOP"; fi
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*"
    for f in "$T"/*.log; do [ -f "$f" ] && { echo "== $f"; tail -n 15 "$f"; }; done
    exit 1
}
pass=0
ok() { pass=$((pass + 1)); }

# label FILE ORIGINATOR WORD RELEASABLE DERIVATIVES
label() {
    printf '{"originator": "%s", "classification": "%s",
 "releasable_to": [%s], "categories": ["DPRK-MISSILE"],
 "purpose": "missile-warning", %s"created": "2024-01-10T00:00:00Z",
 "review": null}\n' "$2" "$3" "$4" "$5" >"$1"
}
CW='"derivatives": ["civil-warning"], '

# setup RUN PORT SCENARIO: a federation in $TOP/RUN, its agreements in
# force, each node watching its own radars of SCENARIO, a watch officer
# registered, JPN issuing (exercise) civil warnings.
setup() {
    T=$TOP/$1
    mkdir -p "$T"
    fed_init "$2" || fail "$1: nodes not created"
    "$G" sim "$3" --out "$T/sim" 2>/dev/null || fail "$1: sim"
    for n in kor usa jpn; do
        N=$(echo $n | tr a-z A-Z)
        printf '\n[watch]\nsensors = ../sim/sensors-%s.json\nlabel = label.json\n' \
            "$N" >>"$T/$n/gsomia.conf"
    done
    printf '\n[warning]\ncap = yes\nstatus = Exercise\n' >>"$T/jpn/gsomia.conf"
    "$G" user add watch --node "$T/kor" --clearance 군사II급비밀 \
        --categories DPRK-MISSILE --purposes missile-warning >/dev/null &&
    "$G" user add watch --node "$T/usa" --clearance SECRET \
        --categories DPRK-MISSILE --purposes missile-warning >/dev/null &&
    "$G" user add watch --node "$T/jpn" --clearance 極秘 \
        --categories DPRK-MISSILE --purposes missile-warning >/dev/null ||
        fail "$1: users"
}

start_all() {
    for n in kor usa jpn; do fed_start $n || fail "$n did not start"; done
    fed_agreements || fail "agreements not in effect"
}

# feed NODE: replays its nation's plots into it, in the background.
feed() {
    N=$(echo "$1" | tr a-z A-Z)
    "$G" feed "$T/sim/plots-$N.jsonl" --node "$T/$1" --speed $SPEED \
        2>"$T/feed-$1.err" &
    echo $! >"$T/feed-$1.pid"
}
watch_node() {
    "$G" watch --node "$T/$1" --user watch --json >>"$T/$1.watch" 2>/dev/null &
    BG="$BG $!"
}
wait_feeds() {
    for n in "$@"; do wait "$(cat "$T/feed-$n.pid")"; done
}
stop_feeds() {
    for n in "$@"; do kill "$(cat "$T/feed-$n.pid")" 2>/dev/null; done
    for n in "$@"; do wait "$(cat "$T/feed-$n.pid")"; done
}

items() { "$G" item list --node "$T/$1" --json; }

# ---------------------------------------------------------------- run 1
setup run1 7820 "$EX/scenarios/irbm-over-japan.json"
label "$T/kor/label.json" KOR 군사II급비밀 '"USA"' ""
label "$T/usa/label.json" USA SECRET '"JPN", "KOR"' "$CW"
label "$T/jpn/label.json" JPN 極秘 '"USA", "KOR"' "$CW"
start_all
watch_node jpn
fed0=$(date +%s)
feed kor
feed usa
feed jpn
# Once its civil warning is out, the Japanese node dies and comes back
# (its radars' plots meanwhile are lost): the missile, tracked again under
# new ids, continues the same warning; no second Alert goes out.
# (Subscribers hear of a warning once its job has committed: the store
# holds it when the watch officer sees it.)
wait_until 60 grep -q '"msg_type":"Alert"' "$T/jpn.watch" ||
    fail "no civil warning at JPN"
kill -9 "$(cat "$T/jpn.pid")"
rm -f "$T/jpn.pid" "$T/jpn/run/node.sock" # so that the restart is waited for
fed_start jpn || fail "JPN did not restart"
watch_node jpn
wait_until 60 grep -q "continues civil warning JPN-W1" "$T/jpn.log" ||
    fail "the standing warning was not continued after JPN's restart"
# Four minutes into the flight, the hub dies.
left=$((fed0 + 240 / SPEED - $(date +%s)))
[ "$left" -gt 0 ] && sleep "$left"
kill -9 "$(cat "$T/usa.pid")"
rm -f "$T/usa.pid"
sleep 3
fed_start usa || fail "USA did not restart"
# Ten minutes into the flight the warhead is over the Pacific, its alerts
# made; the rest of the flight adds nothing to check.
sleep $((360 / SPEED))
stop_feeds kor usa jpn
grep -q "not running" "$T/feed-kor.err" && fail "the KOR node went down"
# Let the queues drain.
sleep 5
items kor >"$T/kor.items"
items usa >"$T/usa.items"
items jpn >"$T/jpn.items"
"$PY" - "$T" <<'EOF' || fail "run 1 checks"
import json, sys
T = sys.argv[1]
it = {n: json.load(open(f"{T}/{n}.items")) for n in ("kor", "usa", "jpn")}
ids = {n: {i["id"] for i in it[n]} for n in it}
def kind(n, k, o=None):
    return [i for i in it[n] if i["kind"] == k and (o is None or i["originator"] == o)]
def origs(i):
    return {l["originator"] for l in i["labels"]}
bad = [i["id"] for i in it["jpn"]
       if i["kind"] in ("track", "alert") and "KOR" in origs(i)]
assert not bad, f"JPN holds {len(bad)} tracks or alerts with Korean information"
usa_fused_kor = [i for i in kind("usa", "track", "USA") if "KOR" in origs(i)]
assert usa_fused_kor, "the US did not fuse the Korean tracks"
jpn_fused = [i for i in kind("jpn", "track") if len(i["labels"]) > 1]
assert jpn_fused, "no fused track reached or was made at JPN"
for o in ("USA", "JPN"):
    assert kind("jpn", "alert", o), f"no {o} alert at JPN"
    assert kind("jpn", "track", o), f"no {o} track at JPN"
def releasable(i, r):
    return all(r in l["releasable_to"] or l["originator"] == r
               for l in i["labels"])
# No alert lost: every US alert reached JPN and KOR where its labels allow
# (the hub was killed with some of them queued); every Korean alert
# reached the US.
usa_alerts = kind("usa", "alert", "USA")
to_jpn = [i for i in usa_alerts if releasable(i, "JPN")]
assert to_jpn, "no US alert releasable to JPN"
for i in to_jpn:
    assert i["id"] in ids["jpn"], f"US alert {i['id'][:16]} never reached JPN"
for i in usa_alerts:
    if releasable(i, "KOR"):
        assert i["id"] in ids["kor"], f"US alert {i['id'][:16]} never reached KOR"
for i in kind("kor", "alert", "KOR"):
    assert i["id"] in ids["usa"], f"KOR alert {i['id'][:16]} never reached the US"
for i in kind("jpn", "alert", "JPN"):
    assert i["id"] in ids["usa"], f"JPN alert {i['id'][:16]} never reached the US"
print("run 1:", len(kind("jpn", "alert")), "alerts and", len(jpn_fused),
      "fused tracks at JPN;", len(usa_fused_kor), "US fused tracks with KOR data")
EOF
ok
ls "$T"/jpn/warnings/*.xml >/dev/null 2>&1 || fail "no civil warning at JPN"
xmllint --noout --nonet --schema "$XSD" "$T"/jpn/warnings/*.xml 2>"$T/xmllint.err" ||
    fail "CAP does not validate: $(cat "$T/xmllint.err")"
grep -q "Aomori" "$T"/jpn/warnings/*.xml || fail "the warning does not name Aomori"
# One Alert across the restart; every later message refers to it.
"$PY" - "$T" <<'EOF' || fail "run 1 CAP"
import glob, re, sys
cap = [open(f).read() for f in glob.glob(f"{sys.argv[1]}/jpn/warnings/*.xml")]
alerts = [t for t in cap if "<msgType>Alert</msgType>" in t]
assert len(alerts) == 1, f"{len(alerts)} CAP Alerts"
first = re.search(r"<identifier>(.*?)</identifier>", alerts[0]).group(1)
later = [t for t in cap if t is not alerts[0]]
for t in later:
    assert f",{first}," in re.search(r"<references>(.*?)</references>", t).group(1)
print("run 1:", len(cap), "CAP messages, one Alert,", first)
EOF
ok
stop_all

# ---------------------------------------------------------------- run 2
setup run2 7830 "$EX/scenarios/irbm-over-japan.json"
label "$T/kor/label.json" KOR 군사II급비밀 '"USA", "JPN"' ""
label "$T/usa/label.json" USA SECRET '"JPN", "KOR"' ""
label "$T/jpn/label.json" JPN 極秘 '"USA", "KOR"' ""
start_all
watch_node jpn
watch_node usa
# Bad plots into the Japanese node first: each refused with a message and
# counted, and the node runs on. (A plot or a feed clock from the future
# would move the node's clock on and end every alert and warning at once:
# the rest of this run would then fail.)
cat >"$T/bad.jsonl" <<'EOF'
{"time":"2099-01-01T00:00:00Z","sensor":"JPN-FPS5-SADO","range":900000,"azimuth":1,"elevation":0.1}
this is not a plot
{"time":"2022-10-03T22:22:10Z","sensor":"KOR-NOPE","range":100000,"azimuth":1,"elevation":0.1}
{"time":"2022-10-03T22:22:11Z","sensor":"JPN-FPS5-SADO","range":-5,"azimuth":1,"elevation":0.1}
EOF
"$G" feed "$T/bad.jsonl" --node "$T/jpn" --speed 1000 2>"$T/bad.err" &&
    fail "bad plots were all taken"
grep -q "ahead of this node's clock" "$T/bad.err" ||
    fail "a plot from the future was not refused: $(cat "$T/bad.err")"
grep -q "0 taken, 4 refused" "$T/bad.err" ||
    fail "bad plots not all refused: $(cat "$T/bad.err")"
test -S "$T/jpn/run/node.sock" && kill -0 "$(cat "$T/jpn.pid")" ||
    fail "bad plots stopped the JPN node"
wait_until 10 "$PY" -c '
import json, sys
sys.exit(json.load(open(sys.argv[1]))["watch"]["plots_refused"] < 4)' \
    "$T/jpn/run/status.json" || fail "bad plots not counted in status.json"
ok
feed kor
feed usa
# Japan's own radars see nothing here: what it knows comes from partners
# that have not permitted civil warnings. By T+200 s a warning would have
# gone out long ago.
sleep $((200 / SPEED))
grep -q '"kind":"track","originator":"USA"' "$T/jpn.watch" ||
    fail "no US track reached JPN"
grep -q '"kind":"warning"' "$T/jpn.watch" && fail "a warning without permission"
ls "$T"/jpn/warnings/*.xml >/dev/null 2>&1 && fail "a CAP file without permission"
ok
GRANTED=$(date +%s%6N)
cat >"$T/consent.json" <<'EOF'
{"id": "USA-2026-0001", "grantor": "USA", "holder": "JPN",
 "derivatives": ["civil-warning"],
 "scope": {"kinds": ["track"], "categories": ["DPRK-MISSILE"]},
 "purpose": "missile-warning",
 "valid_from": "2020-01-01T00:00:00Z", "valid_until": "2040-01-01T00:00:00Z"}
EOF
"$G" consent grant "$T/consent.json" --node "$T/usa" >/dev/null || fail "consent"
wait_until 20 grep -q '"msg_type":"Alert"' "$T/jpn.watch" ||
    fail "no warning after the US consented"
# The US withdraws its tracks (say, a false track): the warning that rests
# on them alone is cancelled.
sleep 2
for t in $("$PY" -c '
import json, sys
seen = set()
for l in open(sys.argv[1]):
    x = json.loads(l)
    if x["kind"] == "track" and x["originator"] == "USA" and \
            x["source"] == "local" and not x.get("fused"):
        seen.add(x["track"])
print(" ".join(sorted(seen)))' "$T/usa.watch"); do
    "$G" watch retract "$t" --reason "false track" --node "$T/usa" >/dev/null ||
        fail "retract $t"
done
wait_until 20 grep -q '"situation":"withdrawn"' "$T/jpn.watch" ||
    fail "the warning was not cancelled"
"$PY" - "$T" "$GRANTED" <<'EOF' || fail "run 2 checks"
import json, sys
T, granted = sys.argv[1], int(sys.argv[2])
w = [json.loads(l) for l in open(f"{T}/jpn.watch") if '"kind":"warning"' in l]
assert all(x["issued_us"] >= granted for x in w), "a warning before the consent"
assert w[0]["msg_type"] == "Alert" and w[-1]["msg_type"] == "Cancel", \
    [x["msg_type"] for x in w]
assert [x["msg_type"] for x in w].count("Alert") == 1, "a second Alert"
# The Cancel refers to the Alert.
import glob, re
cap = {re.search(r"<identifier>(.*?)</identifier>", t).group(1): t
       for t in (open(f).read() for f in glob.glob(f"{T}/jpn/warnings/*.xml"))}
alerts = [i for i, t in cap.items() if "<msgType>Alert</msgType>" in t]
assert alerts == [w[0]["identifier"]], alerts
refs = re.search(r"<references>(.*?)</references>", cap[w[-1]["identifier"]])
assert refs and f",{alerts[0]}," in refs.group(1), "the Cancel does not refer to the Alert"
print("run 2:", " ".join(x["msg_type"] + "/" + x["situation"] for x in w))
EOF
xmllint --noout --nonet --schema "$XSD" "$T"/jpn/warnings/*.xml 2>"$T/xmllint.err" ||
    fail "CAP does not validate: $(cat "$T/xmllint.err")"
# The record: every derivative made names only US items (the Korean label
# permits none), and each is in the audit log that KOR or the US can ask for.
"$G" audit log --node "$T/jpn" --json >"$T/jpn.audit"
items jpn >"$T/jpn.items"
"$PY" - "$T" <<'EOF' || fail "run 2 audit"
import json, sys
T = sys.argv[1]
orig = {i["id"]: i["originator"] for i in json.load(open(f"{T}/jpn.items"))}
recs = [json.loads(l)["record"] for l in open(f"{T}/jpn.audit")]
der = [r for r in recs if r["action"] == "derivative" and r["decision"] == "allow"]
assert der, "no derivative recorded"
used = {orig.get(r.get("item")) for r in der if r.get("item")}
assert used == {"USA"}, used
EOF
ok
stop_feeds kor usa
stop_all

# ---------------------------------------------------------------- run 3
SPEED=$SALVO_SPEED
setup run3 7840 "$EX/scenarios/srbm-salvo.json"
label "$T/kor/label.json" KOR 군사II급비밀 '"USA", "JPN"' "$CW"
label "$T/usa/label.json" USA SECRET '"JPN", "KOR"' "$CW"
label "$T/jpn/label.json" JPN 極秘 '"USA", "KOR"' "$CW"
# A TAK client's end of Cursor-on-Target: every datagram the JPN node sends.
"$PY" -c '
import base64, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(1.0)
end = time.time() + float(sys.argv[3])
with open(sys.argv[2], "wb") as f:
    while time.time() < end:
        try:
            f.write(base64.b64encode(s.recv(65536)) + b"\n")
            f.flush()
        except socket.timeout:
            pass' 7849 "$T/cot.xml" 120 &
BG="$BG $!"
fed_start kor || fail "kor did not start"
fed_start usa || fail "usa did not start"
"$G" serve --node "$T/jpn" --cot 127.0.0.1:7849 2>>"$T/jpn.log" &
echo $! >"$T/jpn.pid"
wait_until 10 test -S "$T/jpn/run/node.sock" || fail "jpn did not start"
fed_agreements || fail "agreements not in effect"
watch_node jpn
feed kor
feed usa
feed jpn
wait_feeds kor usa jpn
sleep 4
items jpn >"$T/jpn.items"
"$PY" - "$T/cot.xml" <<'EOF' || fail "run 3 CoT"
import base64, sys
import xml.etree.ElementTree as ET
events = [ET.fromstring(base64.b64decode(l)) for l in open(sys.argv[1], "rb")
          if l.strip()]
tracks = [e for e in events if e.get("type") == "a-h-A-W-M-S-S"]
impacts = [e for e in events if e.get("type") == "b-m-p"]
assert tracks and impacts, (len(tracks), len(impacts))
p = tracks[-1].find("point")
assert -90 <= float(p.get("lat")) <= 90 and float(p.get("ce")) > 0
assert all(e.get("uid").startswith("gsomia.JPN-F") for e in tracks)
print("run 3:", len(tracks), "CoT track events,", len(impacts), "impact points")
EOF
"$PY" - "$T" <<'EOF' || fail "run 3 checks"
import json, sys
T = sys.argv[1]
w = [json.loads(l) for l in open(f"{T}/jpn.watch")]
fused = [x for x in w if x["kind"] == "track" and x.get("fused")]
assert any(len(x.get("sources", [])) >= 2 and x["originator"] == "JPN"
           for x in fused), "JPN fused no track"
impacts = {}
for x in w:
    if x["kind"] == "alert" and x["originator"] == "JPN" and x.get("type") == "impact":
        impacts[x["alert"]] = x
assert len(impacts) >= 3, f"{len(impacts)} impact alerts for a salvo of three"
for o in ("KOR", "USA", "JPN"):
    assert any(x["kind"] == "alert" and x["originator"] == o for x in w), o
print("run 3:", len(fused), "fused tracks,", len(impacts), "alerts with impacts at JPN")
EOF
ok
stop_all
echo "$pass checks passed"
