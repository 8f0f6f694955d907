#!/bin/sh
# federation.sh - end-to-end latency and throughput of gsomia's federation
# on this machine, and of NATS JetStream over TLS for comparison.
#
# Three real nodes on 127.0.0.1 (KOR -> USA hub -> JPN, durable: SQLite WAL
# with synchronous=FULL on every node). Items of ~300 bytes are submitted
# at KOR at 100/s and 1,000/s; each node that stores one tells a watcher
# after its commit. Latency is from the item's creation at KOR to that
# commit: one hop at USA, two hops at JPN. Throughput: a burst of 20,000
# as fast as possible, measured where USA stores them.
# Then nats-server with JetStream (file store) and mutual TLS, 127.0.0.1
# only, started and stopped here: publish (waiting for the PubAck) to
# consume.
# usage: federation.sh BUILD_DIR SOURCE_DIR
set -u
B=$1
S=$2
G=$B/gsomia
L=$B/bench/fedload
EX=$S/examples
T=$(mktemp -d)
# shellcheck source=../scripts/lib/federation.sh
. "$S/scripts/lib/federation.sh"
nats_pid=
trap 'fed_kill_all; [ -n "$nats_pid" ] && kill $nats_pid 2>/dev/null; rm -rf "$T"' EXIT

percentiles() { # percentiles LABEL FILE: p50 p99 p99.9 of column 5 (us)
    awk '{print $5}' "$2" | sort -n | awk -v what="$1" '
        function at(q,   i) { i = int(NR * q) + 1; if (i > NR) i = NR; return v[i] / 1000 }
        { v[NR] = $1 }
        END {
            if (NR == 0) { printf "%-40s no data\n", what; exit }
            printf "%-40s n=%-6d p50 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms\n",
                what, NR, at(0.50), at(0.99), at(0.999) }'
}

GSOMIA_LOG=warn
export GSOMIA_LOG
fed_init $((30000 + $$ % 20000)) || exit 1
for n in usa kor jpn; do fed_start $n || exit 1; done
fed_agreements || { echo "federation.sh: the agreements did not take effect"; exit 1; }
echo "gsomia federation, KOR -> USA (hub) -> JPN, ~300-byte track items, durable"
for rate in 100 1000; do
    n=$((rate * 10))
    [ "$n" -gt 10000 ] && n=10000
    "$L" watch "$T/usa" "$n" 120 >"$T/usa.w" 2>/dev/null &
    wu=$!
    "$L" watch "$T/jpn" "$n" 120 >"$T/jpn.w" 2>/dev/null &
    wj=$!
    sleep 0.5
    "$L" submit "$T/kor" "$n" "$rate" "$EX/labels/kor-track.json" >/dev/null
    wait $wu $wj
    percentiles "  $rate/s, one hop (KOR -> USA)" "$T/usa.w"
    percentiles "  $rate/s, two hops (KOR -> USA -> JPN)" "$T/jpn.w"
done
"$L" watch "$T/usa" 20000 120 >"$T/usa.w" 2>/dev/null &
wu=$!
sleep 0.5
start=$(date +%s.%N)
"$L" submit "$T/kor" 20000 0 "$EX/labels/kor-track.json" >/dev/null
wait $wu
end=$(date +%s.%N)
got=$(wc -l <"$T/usa.w")
awk -v n="$got" -v a="$start" -v b="$end" 'BEGIN {
    printf "  burst: %d items stored at USA in %.2f s: %.0f items/s sustained on one hop\n",
        n, b - a, n / (b - a) }'
for n in kor usa jpn; do fed_stop $n; done

if ! command -v nats-server >/dev/null || [ ! -x "$B/bench/bench_nats" ]; then
    echo "nats: nats-server or bench_nats missing (scripts/install-deps)"
    exit 0
fi
mkdir -p "$T/nats/js"
"$B/bench/bench_nats" certs "$T/nats" || exit 1
port=$((32000 + $$ % 20000))
cat >"$T/nats/server.conf" <<CONF
listen: 127.0.0.1:$port
jetstream { store_dir: "$T/nats/js" }
tls {
  cert_file: "$T/nats/server.crt"
  key_file: "$T/nats/server.key"
  ca_file: "$T/nats/ca.crt"
  verify: true
}
CONF
nats-server -c "$T/nats/server.conf" >"$T/nats/log" 2>&1 &
nats_pid=$!
sleep 1
echo "nats-server $(nats-server --version | cut -d' ' -f2) JetStream (file store), mutual TLS, one publisher and one consumer"
"$B/bench/bench_nats" run "tls://127.0.0.1:$port" "$T/nats" | sed 's/^/  /'
kill $nats_pid
nats_pid=
