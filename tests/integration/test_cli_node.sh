#!/bin/sh
# test_cli_node.sh - a security officer's day with the real `gsomia`
# program: nodes, identities, the register, items read under the rules,
# copies, translations, destruction with a witness, the audit log and its
# proofs; then two nations: a co-signed agreement, a release, an import,
# and a tampered item refused and reported.
# usage: test_cli_node.sh GSOMIA SOURCE_DIR PYTHON
set -u
G=$1
EX=$2/examples
PY=$3
VERIFY=$2/tests/tools/merkle_verify.py
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
run() { # run WANT-STATUS CMD...: output in $T/out and $T/err
    want=$1
    shift
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    [ "$got" -eq "$want" ] && ok || {
        bad "exit $got, want $want: $*"
        sed 's/^/    /' "$T/err" | head -10
    }
}
has() { grep -qF -- "$2" "$1" && ok || { bad "$1 lacks: $2"; sed 's/^/    /' "$1" | head -20; }; }
hasnt() { grep -qF -- "$2" "$1" && bad "$1 has: $2" || ok; }

K="--node $T/kor"
J="--node $T/jpn"

# --- nodes
run 0 "$G" init "$T/kor" --nation KOR --name seoul
has "$T/out" "node seoul of KOR created"
run 1 "$G" init "$T/kor" --nation KOR
has "$T/err" "already exists and is not empty"
run 1 "$G" init "$T/x" --nation KOREA
has "$T/err" "is not an ISO 3166-1 alpha-3"
run 0 "$G" init "$T/jpn" --nation JPN --name tokyo
[ "$(stat -c %a "$T/kor/keys/signing.key")" = 600 ] && ok || bad "key mode"
[ "$(stat -c %a "$T/kor/tls/node.key")" = 600 ] && ok || bad "TLS key mode"
chmod 644 "$T/kor/keys/signing.key"
run 1 "$G" item list $K
has "$T/err" "may be read by others (mode 644)"
chmod 600 "$T/kor/keys/signing.key"
cp "$T/kor/gsomia.conf" "$T/conf.bak"
printf 'colour = blue\n' >>"$T/kor/gsomia.conf"
run 1 "$G" item list $K
has "$T/err" "gsomia.conf:8: error: unknown key \"colour\" in section [log]"
cp "$T/conf.bak" "$T/kor/gsomia.conf"
run 2 "$G" item list
has "$T/err" "give --node DIR or set GSOMIA_NODE"
GSOMIA_NODE="$T/kor" run 0 "$G" item list

# --- identities
run 0 "$G" identity export $K -o "$T/kor.id"
run 0 "$G" identity export $J -o "$T/jpn.id"
run 1 "$G" identity export $K -o "$T/kor.id"
has "$T/err" "does not overwrite"
run 0 "$G" identity show $K
cp "$T/out" "$T/fp-node"
run 0 "$G" identity show "$T/kor.id"
cmp -s "$T/out" "$T/fp-node" && ok || bad "fingerprints differ"
has "$T/out" "signing key:"
run 0 "$G" identity import $J "$T/kor.id"
run 0 "$G" identity import $K "$T/jpn.id"
run 1 "$G" identity import $K "$T/kor.id"
has "$T/err" "own nation"
sed 's/"nation": "KOR"/"nation": "USA"/' "$T/kor.id" >"$T/forged.id"
run 1 "$G" identity import $J "$T/forged.id"
has "$T/err" "the CA certificate is not USA's"

# --- the register of cleared people
run 0 "$G" user add kim $K --clearance 군사II급비밀 --categories DPRK-MISSILE \
    --purposes missile-warning --roles analyst
run 0 "$G" user add lee $K --clearance 군사Ⅲ급비밀 --categories DPRK-MISSILE \
    --purposes missile-warning --roles watch-officer
run 0 "$G" user add park $K --clearance 군사I급비밀 --purposes missile-warning \
    --roles security-officer
run 0 "$G" user add choi $K --clearance 군사I급비밀 --purposes missile-warning \
    --roles security-officer
run 1 "$G" user add bad $K --clearance 極秘
has "$T/err" "\"極秘\" is not a classification of KOR's scheme"
run 0 "$G" user register $K
has "$T/out" "REGISTER OF CLEARED PERSONS"
has "$T/out" "kim (KOR): cleared 군사II급비밀"
has "$T/out" "4 persons"

# --- an item, read under the rules
marker="MARKER-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
printf 'IRBM launched 07:22 from Jagang. %s\n' "$marker" >"$T/report.txt"
run 0 "$G" item put $K --kind report --label "$EX/labels/kor-track.json" \
    --title "Launch report" --as kim "$T/report.txt"
R=$(cat "$T/out")
[ ${#R} -eq 64 ] && ok || bad "item id: $R"
run 1 "$G" item put $K --kind report --label "$EX/labels/usa-report.json" "$T/report.txt"
has "$T/err" "its label's originator must be KOR, not USA"
run 0 "$G" item list $K
has "$T/out" "군사II급비밀 // REL TO USA, JPN // DPRK-MISSILE // missile-warning"
run 0 "$G" item show "$R" --as kim $K
has "$T/out" "$marker"
run 1 "$G" item show "$R" --as lee $K
has "$T/err" "CLEARANCE_TOO_LOW"
hasnt "$T/out" "$marker"
run 1 "$G" item show "$R" --as park $K
has "$T/err" "NEED_TO_KNOW"
run 1 "$G" item show "$R" --as nobody $K
has "$T/err" "no user \"nobody\""
run 0 "$G" item get "$R" --as kim -o "$T/got.txt" $K
cmp -s "$T/got.txt" "$T/report.txt" && ok || bad "get changed the content"
[ "$(stat -c %a "$T/got.txt")" = 600 ] && ok || bad "get file mode"
run 1 "$G" item get "$R" --as kim -o "$T/got.txt" $K
run 1 "$G" item get "$R" --as lee -o "$T/got2.txt" $K
[ ! -e "$T/got2.txt" ] && ok || bad "denied get wrote a file"

# Nothing of the content is in clear in the store files.
if cat "$T"/kor/store.db* | grep -qF "$marker"; then
    bad "plaintext in the store"
else
    ok
fi

# --- copies and translations
run 0 "$G" item copy "$R" --as kim $K
C=$(cat "$T/out")
printf '화성 미사일 발사 07:22\n' >"$T/ko.txt"
run 0 "$G" item translate "$R" --lang ko --as kim $K "$T/ko.txt"
TR=$(cat "$T/out")
run 1 "$G" item copy "$R" --as lee $K
run 0 "$G" item show "$R" --as kim $K
has "$T/out" "$C  copy"
has "$T/out" "$TR  translation"
run 0 "$G" item show "$C" --as kim $K
has "$T/out" "copy of:     $R"
has "$T/out" "군사II급비밀 // REL TO USA, JPN"
run 1 "$G" item show "$TR" --as lee $K
has "$T/err" "CLEARANCE_TOO_LOW"

# --- destruction with a witness
run 1 "$G" item destroy "$C" --operator park --witness park $K
has "$T/err" "two different people"
run 1 "$G" item destroy "$C" --operator park --witness ghost $K
has "$T/err" "no user \"ghost\""
run 0 "$G" item destroy "$C" --operator park --witness choi $K
D=$(cat "$T/out")
run 1 "$G" item show "$C" --as kim $K
has "$T/err" "ITEM_NOT_ACTIVE"
run 1 "$G" item destroy "$C" --operator park --witness choi $K
has "$T/err" "already destroyed"
run 0 "$G" item show "$D" --as park $K
has "$T/out" "by park, witness choi, crypto-erase"

# --- the audit log
run 0 "$G" audit log $K
has "$T/out" "access              lee          deny CLEARANCE_TOO_LOW"
has "$T/out" "destruction"
has "$T/out" "copy"
run 0 "$G" audit log --item "$R" --json $K
has "$T/out" "\"action\":\"access\""
hasnt "$T/out" "\"action\":\"user\""
run 0 "$G" audit verify $K
has "$T/out" "audit log verified"
run 0 "$G" audit proof --record 5 $K
cp "$T/out" "$T/proof.json"
run 0 "$G" audit check-proof "$T/proof.json" --identity "$T/kor.id"
has "$T/out" "proof verified"
run 1 "$G" audit check-proof "$T/proof.json" --identity "$T/jpn.id"
# And by an independent verifier, in Python, from RFC 6962 alone.
run 0 "$PY" "$VERIFY" --audit-proof valid <"$T/proof.json"
# The same record and path, claimed for another record number.
sed 's/"index": 5,/"index": 4,/' "$T/proof.json" >"$T/proof-bad.json"
cmp -s "$T/proof.json" "$T/proof-bad.json" && bad "the proof was not altered" || ok
run 1 "$G" audit check-proof "$T/proof-bad.json" --identity "$T/kor.id"
has "$T/err" "is not in the signed tree"
run 0 "$PY" "$VERIFY" --audit-proof invalid <"$T/proof-bad.json"

# --- two nations: a co-signed agreement, a release, an import
run 0 "$G" agreement propose $K "$EX/agreements/JPN-KOR-2016.json"
A=$(cat "$T/out")
run 0 "$G" agreement list $K
has "$T/out" "NOT IN EFFECT signed by KOR; awaiting JPN"
run 1 "$G" item export "$R" --to JPN -o "$T/r0.env" $K
has "$T/err" "NO_AGREEMENT"
run 0 "$G" item export "$A" --to JPN -o "$T/a1.env" $K
run 0 "$G" item import $J "$T/a1.env"
run 0 "$G" agreement sign "$A" $J
run 0 "$G" item export "$A" --to KOR -o "$T/a2.env" $J
run 0 "$G" item import $K "$T/a2.env"
run 0 "$G" agreement list $K
has "$T/out" "in effect   signed by KOR, JPN"
run 0 "$G" item export "$R" --to JPN -o "$T/r.env" $K
run 1 "$G" item export "$R" --to CHN -o "$T/r-chn.env" $K
has "$T/err" "NO_AGREEMENT"
run 0 "$G" item show "$R" --as kim $K
has "$T/out" "JPN  at"
run 0 "$G" user add sato $J --clearance 極秘 --categories DPRK-MISSILE \
    --purposes missile-warning --roles analyst
run 0 "$G" item import $J "$T/r.env"
run 0 "$G" item show "$R" --as sato $J
has "$T/out" "marking:     極秘 — Republic of Korea: 군사II급비밀 // REL TO USA, JPN"
has "$T/out" "$marker"
run 0 "$G" item import $J "$T/r.env"
has "$T/out" "already held"

# The originator lowers the classification; the change follows the item.
sed 's/군사II급비밀/군사III급비밀/' "$EX/labels/kor-track.json" >"$T/lower.json"
run 1 "$G" item reclassify "$R" --label "$T/lower.json" $J
has "$T/err" "only the originator (KOR)"
run 0 "$G" item reclassify "$R" --label "$T/lower.json" --reason "declassified in part" $K
RC=$(cat "$T/out")
run 0 "$G" item show "$R" --as lee $K
has "$T/out" "marking:     군사III급비밀 // REL TO USA, JPN"
run 0 "$G" item show "$TR" --as lee $K
has "$T/out" "군사III급비밀"
run 0 "$G" item export "$RC" --to JPN -o "$T/rc.env" $K
run 0 "$G" item import $J "$T/rc.env"
run 0 "$G" item show "$R" --as sato $J
has "$T/out" "marking:     秘 — Republic of Korea: 군사III급비밀 // REL TO USA, JPN"
run 0 "$G" audit log --item "$R" $J
has "$T/out" "reclassification"
# ... and withdraws it: the retraction reaches the partner too.
run 0 "$G" item retract "$R" --reason "the track was lost" $K
RT=$(cat "$T/out")
run 0 "$G" item export "$RT" --to JPN -o "$T/rt.env" $K
run 1 "$G" item export "$RT" --to CHN -o "$T/rt-chn.env" $K
run 0 "$G" item import $J "$T/rt.env"
run 1 "$G" item show "$R" --as sato $J
has "$T/err" "ITEM_NOT_ACTIVE"
run 1 "$G" item export "$R" --to JPN -o "$T/again.env" $K
has "$T/err" "ITEM_NOT_ACTIVE"

# A tampered envelope: refused, recorded, reported to the originator.
size=$(stat -c %s "$T/r.env")
mid=$((size / 2))
cp "$T/r.env" "$T/t.env"
printf '\377' | dd of="$T/t.env" bs=1 seek="$mid" conv=notrunc 2>/dev/null
cmp -s "$T/t.env" "$T/r.env" && printf '\376' | dd of="$T/t.env" bs=1 seek="$mid" conv=notrunc 2>/dev/null
run 0 "$G" user add suzuki $J --clearance 秘
"$G" item list $J --json >"$T/before.json"
run 1 "$G" item import $J "$T/t.env"
has "$T/err" "refused"
run 0 "$G" audit log $J
has "$T/out" "verification-failed"
has "$T/out" "suspected-compromise"
run 0 "$G" item list --kind compromise $J
has "$T/out" "compromise"
run 0 "$G" audit verify $J
run 0 "$G" audit verify $K

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
