#!/bin/sh
# test_crash.sh - durability under kill -9: a writer makes items in
# batches and prints each id once its batch is committed; it is killed
# with SIGKILL at a random moment, 20 times. After each kill every
# acknowledged item must be present and readable, and the audit log must
# verify.
# usage: test_crash.sh GSOMIA CRASH_WRITER
set -u
GSOMIA=$1
WRITER=$2
TMP=$(mktemp -d)
trap 'kill -9 $pid 2>/dev/null; rm -rf "$TMP"' EXIT
pid=0
failed=0
passed=0

"$GSOMIA" init "$TMP/node" --nation KOR --name crash >/dev/null || exit 1
: >"$TMP/acked"
round=1
while [ "$round" -le 20 ]; do
    "$WRITER" write "$TMP/node" "$round" >"$TMP/out.$round" 2>"$TMP/err" &
    pid=$!
    # A random moment between 0.05 and 0.35 s (od reads /dev/urandom).
    r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
    sleep "$(awk -v r="$r" 'BEGIN { printf "%.3f", 0.05 + (r % 300) / 1000 }')"
    kill -9 "$pid"
    wait "$pid" 2>/dev/null
    cat "$TMP/out.$round" >>"$TMP/acked"
    n=$(wc -l <"$TMP/out.$round")
    if "$WRITER" check "$TMP/node" "$TMP/acked" >"$TMP/check" 2>&1 &&
        "$GSOMIA" audit verify --node "$TMP/node" >"$TMP/verify" 2>&1; then
        passed=$((passed + 1))
        echo "round $round: $n acknowledged before the kill; $(cat "$TMP/check")"
    else
        failed=$((failed + 1))
        echo "FAIL round $round:"
        cat "$TMP/check" "$TMP/verify" "$TMP/err"
    fi
    round=$((round + 1))
done
total=$(wc -l <"$TMP/acked")
echo "$total items acknowledged over 20 kills"
[ "$total" -gt 0 ] || { echo "FAIL: nothing was ever acknowledged"; failed=$((failed + 1)); }
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
