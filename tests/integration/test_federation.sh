#!/bin/sh
# test_federation.sh - three real nodes on 127.0.0.1: KOR and JPN linked
# through USA, the hub, as in the trilateral missile-warning mechanism.
#  1. a KOR track REL TO USA, JPN reaches JPN through the hub, marked 極秘
#     with the Republic of Korea as originating government;
#  2. a KOR track REL TO USA only does not; with KOR's consent it does;
#     after the revocation it does not; USA records each denial;
#  3. USA killed with SIGKILL in a burst of 10,000 KOR items and restarted:
#     JPN ends with exactly the releasable ones, each received once;
#  4. JPN down for 30 s: everything queued arrives, in order;
#  5. an impostor's certificate is refused, a tampered item is refused and
#     KOR receives the compromise report;
#  6. every audit log verifies and every witness view is consistent.
# usage: test_federation.sh GSOMIA FEDLOAD SOURCE_DIR [DOWN_SECONDS]
set -u
G=$1
L=$2
EX=$3/examples
DOWN=${4:-30}
T=$(mktemp -d)
# shellcheck source=../../scripts/lib/federation.sh
. "$3/scripts/lib/federation.sh"
passed=0
failed=0

cleanup() {
    fed_kill_all
    # GSOMIA_KEEP=1 keeps the nodes' folders for a post-mortem.
    if [ -n "${GSOMIA_KEEP:-}" ]; then echo "kept in $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { # check DESCRIPTION CMD...
    what=$1
    shift
    if "$@" >"$T/out" 2>&1; then ok; else
        bad "$what"
        sed 's/^/    /' "$T/out" | head -10
    fi
}
has_item() { fed_has_item "$@"; }
in_effect() { fed_in_effect "$@"; }
start() { fed_start "$@"; }
stop() { fed_stop "$1" && ok || bad "$1 did not stop cleanly"; }
submit() { # submit LABEL...: one item at KOR, prints its id
    "$L" submit "$T/kor" 1 0 "$@" | cut -d' ' -f1
}

# --- three nodes; the agreements co-signed over the network
check "three nodes are made" fed_init $((20000 + $$ % 20000))
for n in usa kor jpn; do check "$n starts" start $n; done
check "KOR connects to the hub" wait_until 10 \
    sh -c "\"$G\" peer status --node \"$T/usa\" | grep '^KOR  connected'"
check "JPN connects to the hub" wait_until 10 \
    sh -c "\"$G\" peer status --node \"$T/usa\" | grep '^JPN  connected'"
check "TISA, USA-KOR and USA-JPN are co-signed" fed_agreements

# --- 1. through the hub, marked by the receiver
T1=$(submit "$EX/labels/kor-track.json")
check "1: the KOR track reaches JPN" wait_until 10 has_item jpn "$T1"
"$G" item show "$T1" --as sato --node "$T/jpn" >"$T/show" 2>&1
check "1: JPN marks it 極秘 for the Republic of Korea" grep -q \
    "marking:     極秘 — Republic of Korea: 군사II급비밀 // REL TO USA, JPN" "$T/show"
check "1: JPN knows it came through USA" grep -q "(from USA)" "$T/show"

# --- 2. releasable to the US only; consent; revocation
T2=$(submit "$EX/labels/kor-track-usa-only.json")
check "2: USA holds the USA-only track" wait_until 10 has_item usa "$T2"
sleep 1
check "2: JPN does not" sh -c "! \"$G\" item list --node \"$T/jpn\" --json | grep -q $T2"
"$G" audit log --node "$T/usa" --item "$T2" >"$T/log2"
check "2: USA recorded the denial" grep -q "deny NO_CONSENT peer JPN" "$T/log2"
now=$(date -u +%s)
from=$(date -u -d "@$((now - 3600))" +%Y-%m-%dT%H:%M:%SZ)
until=$(date -u -d "@$((now + 86400))" +%Y-%m-%dT%H:%M:%SZ)
cat >"$T/consent.json" <<JSON
{"id": "KOR-TEST-0001", "grantor": "KOR", "holder": "USA", "third_party": "JPN",
 "scope": {"kinds": ["track"], "categories": ["DPRK-MISSILE"]},
 "purpose": "missile-warning", "valid_from": "$from", "valid_until": "$until"}
JSON
"$G" consent grant "$T/consent.json" --node "$T/kor" >/dev/null
check "2: the consent takes effect at USA" wait_until 10 in_effect usa KOR-TEST-0001
T3=$(submit "$EX/labels/kor-track-usa-only.json")
check "2: with the consent it reaches JPN" wait_until 10 has_item jpn "$T3"
"$G" consent revoke KOR-TEST-0001 --node "$T/kor" >/dev/null
check "2: the revocation reaches USA" wait_until 10 sh -c \
    "\"$G\" agreement list --node \"$T/usa\" | grep revocation | grep -q 'in effect'"
T4=$(submit "$EX/labels/kor-track-usa-only.json")
check "2: USA holds the next one" wait_until 10 has_item usa "$T4"
sleep 1
check "2: after the revocation JPN does not get it" sh -c \
    "! \"$G\" item list --node \"$T/jpn\" --json | grep -q $T4"
"$G" audit log --node "$T/usa" --item "$T4" >"$T/log4"
check "2: USA recorded that denial too" grep -q "deny NO_CONSENT peer JPN" "$T/log4"

# --- 3. kill -9 the hub in the middle of a burst
"$L" submit "$T/kor" 10000 0 "$EX/labels/kor-track.json" \
    "$EX/labels/kor-track-usa-only.json" >"$T/burst" &
burst=$!
wait_until 20 sh -c "\"$G\" peer status --node \"$T/usa\" --json | grep -q '\"last_received\": [1-9][0-9][0-9]'"
kill -9 "$(cat "$T/usa.pid")"
rm -f "$T/usa.pid"
wait "$burst"
check "3: KOR stored all 10,000" test "$(wc -l <"$T/burst")" -eq 10000
check "3: USA restarts" start usa
grep ' 1$' "$T/burst" | cut -d' ' -f1 | sort >"$T/want"
grep ' 2$' "$T/burst" | cut -d' ' -f1 | sort >"$T/not"
count_jpn() {
    "$G" item list --node "$T/jpn" --kind track --json |
        grep -o '"id": "[0-9a-f]*"' | cut -d'"' -f4 | sort >"$T/jpn-ids"
    comm -12 "$T/want" "$T/jpn-ids" | wc -l
}
check "3: JPN gets every releasable item" wait_until 120 sh -c \
    "test \$( \"$G\" item list --node \"$T/jpn\" --kind track --json | grep -c '\"id\"') -ge $(($(wc -l <"$T/want") + 2))"
check "3: ... exactly those" test "$(count_jpn)" -eq "$(wc -l <"$T/want")"
check "3: ... and none of the others" test "$(comm -12 "$T/not" "$T/jpn-ids" | wc -l)" -eq 0
"$G" audit log --node "$T/jpn" --json | grep '"action":"receipt"' |
    grep -o '"item":"[0-9a-f]*"' | cut -d'"' -f4 | sort | uniq -d |
    comm -12 - "$T/want" >"$T/dups"
check "3: ... each received once" test ! -s "$T/dups"

# --- 4. JPN down for a while; what is queued arrives, in order
stop jpn
"$L" submit "$T/kor" 200 0 "$EX/labels/kor-track.json" | cut -d' ' -f1 >"$T/queued"
sleep "$DOWN"
check "4: JPN restarts" start jpn
check "4: all 200 arrive" wait_until 60 sh -c \
    "\"$G\" item list --node \"$T/jpn\" --kind track --json | grep -c -F -f \"$T/queued\" | grep -q '^200$'"
"$G" item list --node "$T/jpn" --kind track --json | grep -o '"id": "[0-9a-f]*"' |
    cut -d'"' -f4 | grep -F -x -f "$T/queued" >"$T/order"
check "4: in the order they were made" cmp -s "$T/order" "$T/queued"

# --- 5. an impostor, and a tampered item
"$G" init "$T/rogue" --nation JPN --name impostor >/dev/null
"$G" peer add "$T/usa.id" --address "$UA" --node "$T/rogue" >/dev/null
GSOMIA_LOG=info "$G" serve --node "$T/rogue" 2>>"$T/rogue.log" &
echo $! >"$T/rogue.pid"
check "5: the impostor's certificate is refused and recorded" wait_until 10 \
    sh -c "\"$G\" audit log --node \"$T/usa\" | grep -q 'connection .* deny'"
kill -9 "$(cat "$T/rogue.pid")"
rm -f "$T/rogue.pid"
"$G" item export "$T1" --to USA -o "$T/t1.env" --node "$T/kor" >/dev/null
size=$(stat -c %s "$T/t1.env")
printf '\377' | dd of="$T/t1.env" bs=1 seek=$((size - 20)) conv=notrunc 2>/dev/null
"$G" item import "$T/t1.env" --node "$T/usa" >/dev/null 2>&1
check "5: the tampered item was refused at USA" sh -c \
    "\"$G\" audit log --node \"$T/usa\" | grep -q verification-failed"
check "5: KOR receives the compromise report" wait_until 10 sh -c \
    "\"$G\" item list --node \"$T/kor\" --kind compromise | grep -q 'compromise  USA'"

# --- 6. every log verifies; every witness view is consistent
sleep 2
for n in kor usa jpn; do
    check "6: $n's audit log verifies" "$G" audit verify --node "$T/$n"
    check "6: $n's witness view is consistent" "$G" audit witness --node "$T/$n"
done
"$G" audit witness --node "$T/jpn" >"$T/w"
check "6: JPN witnessed USA's tree heads" grep -q "^USA  size" "$T/w"
# "How was my data handled?": KOR asks the hub, and checks every proof.
"$G" audit ask USA --node "$T/kor" -o "$T/handled.jsonl" >"$T/ask" 2>&1
check "6: KOR's question to USA is answered and verified" grep -q \
    "verified against USA's signed tree head, 0 not" "$T/ask"
check "6: ... with the receipts and releases of KOR's items" sh -c \
    "grep -q 'receipt' \"$T/ask\" && grep -q 'release' \"$T/ask\""
check "6: ... each proof checks with USA's identity alone" sh -c \
    "head -1 \"$T/handled.jsonl\" >\"$T/p.json\" && \"$G\" audit check-proof \"$T/p.json\" --identity \"$T/usa.id\""
for n in kor usa jpn; do stop $n; done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
