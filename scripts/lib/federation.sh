# federation.sh - shell functions that set up and drive three real nodes
# on 127.0.0.1 — KOR and JPN linked through USA, the hub, as in the
# trilateral missile-warning mechanism — for tests and benchmarks.
# Source it with G (the gsomia program), EX (the examples folder) and T (a
# folder for the nodes) set.

# wait_until SECONDS CMD...: runs CMD every 0.2 s until it succeeds.
wait_until() {
    _limit=$(($1 * 5))
    shift
    _i=0
    while [ $_i -lt $_limit ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
        _i=$((_i + 1))
    done
    return 1
}

# fed_init BASE_PORT: three nodes in $T/kor, $T/usa, $T/jpn listening on
# BASE_PORT and the two after it; KOR and JPN dial USA; identities of all
# three known everywhere; sato, an analyst, registered at JPN.
fed_init() {
    KA=127.0.0.1:$1
    UA=127.0.0.1:$(($1 + 1))
    JA=127.0.0.1:$(($1 + 2))
    "$G" init "$T/kor" --nation KOR --name seoul --listen "$KA" >/dev/null &&
    "$G" init "$T/usa" --nation USA --name indopacom --listen "$UA" --hub >/dev/null &&
    "$G" init "$T/jpn" --nation JPN --name tokyo --listen "$JA" >/dev/null || return 1
    for _n in kor usa jpn; do
        "$G" identity export --node "$T/$_n" -o "$T/$_n.id" || return 1
    done
    "$G" peer add "$T/usa.id" --address "$UA" --node "$T/kor" >/dev/null &&
    "$G" peer add "$T/usa.id" --address "$UA" --node "$T/jpn" >/dev/null &&
    "$G" peer add "$T/kor.id" --node "$T/usa" >/dev/null &&
    "$G" peer add "$T/jpn.id" --node "$T/usa" >/dev/null &&
    "$G" identity import "$T/jpn.id" --node "$T/kor" >/dev/null &&
    "$G" identity import "$T/kor.id" --node "$T/jpn" >/dev/null &&
    "$G" user add sato --node "$T/jpn" --clearance 極秘 \
        --categories DPRK-MISSILE --purposes missile-warning >/dev/null
}

# fed_start NODE: runs `gsomia serve` for $T/NODE in the background (its
# log in $T/NODE.log, its pid in $T/NODE.pid) and waits for its socket.
fed_start() {
    GSOMIA_LOG=${GSOMIA_LOG:-info} "$G" serve --node "$T/$1" 2>>"$T/$1.log" &
    echo $! >"$T/$1.pid"
    wait_until 10 test -S "$T/$1/run/node.sock"
}

# fed_stop NODE: SIGTERM; returns the node's exit status.
fed_stop() {
    _pid=$(cat "$T/$1.pid")
    kill -TERM "$_pid"
    wait "$_pid"
    _status=$?
    rm -f "$T/$1.pid"
    return $_status
}

# fed_kill_all: SIGKILL whatever still runs (for traps).
fed_kill_all() {
    for _n in kor usa jpn rogue; do
        [ -f "$T/$_n.pid" ] && kill -9 "$(cat "$T/$_n.pid")" 2>/dev/null
    done
    return 0
}

fed_has_item() { "$G" item list --node "$T/$1" --json | grep -q "\"id\": \"$2\""; }
fed_in_effect() { "$G" agreement list --node "$T/$1" | grep "$2" | grep -q "in effect"; }

# fed_agreements: with the three nodes running, TISA (proposed by KOR),
# USA-KOR (by KOR) and USA-JPN (by JPN) are co-signed over the network.
fed_agreements() {
    _tisa=$("$G" agreement propose --node "$T/kor" "$EX/agreements/TISA-2014.json") &&
    _uk=$("$G" agreement propose --node "$T/kor" --notify JPN "$EX/agreements/USA-KOR-1987.json") &&
    _uj=$("$G" agreement propose --node "$T/jpn" --notify KOR "$EX/agreements/USA-JPN-2007.json") &&
    wait_until 10 sh -c "\"$G\" agreement list --node \"$T/usa\" | grep -c awaiting | grep -q 3" &&
    "$G" agreement sign "$_tisa" --node "$T/usa" >/dev/null &&
    "$G" agreement sign "$_uk" --node "$T/usa" >/dev/null &&
    "$G" agreement sign "$_uj" --node "$T/usa" >/dev/null &&
    wait_until 10 fed_has_item jpn "$_tisa" &&
    "$G" agreement sign "$_tisa" --node "$T/jpn" >/dev/null &&
    wait_until 15 fed_in_effect kor TISA-2014 &&
    wait_until 15 fed_in_effect usa TISA-2014 &&
    wait_until 15 fed_in_effect jpn TISA-2014 &&
    wait_until 10 fed_in_effect kor USA-KOR-1987 &&
    wait_until 10 fed_in_effect jpn USA-JPN-2007 &&
    wait_until 10 fed_in_effect jpn USA-KOR-1987 &&
    wait_until 10 fed_in_effect kor USA-JPN-2007
}
