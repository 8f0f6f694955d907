#!/bin/sh
# test_cli_policy.sh - the real `gsomia` program on the policy commands:
# simulate (JSON and table), lint, label show/export/import, exit statuses
# and the file:line:column of errors.
# usage: test_cli_policy.sh GSOMIA SOURCE_DIR
set -u
GSOMIA=$1
SRC=$2
EX=$SRC/examples
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect_status WANT CMD... : runs CMD, keeps its output in $TMP/out, err.
expect_status() {
    want=$1
    shift
    "$@" >"$TMP/out" 2>"$TMP/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else
        bad "exit $got, want $want: $*"
        sed 's/^/    /' "$TMP/err"
    fi
}

expect_in() { # expect_in FILE TEXT
    if grep -qF -- "$2" "$1"; then ok; else
        bad "$1 lacks: $2"
        sed 's/^/    /' "$1" | head -20
    fi
}

# --- simulate: one JSON line per case, in order, with the walkthrough's
# decisions.
expect_status 0 "$GSOMIA" policy simulate "$EX/walkthrough.json"
lines=$(wc -l <"$TMP/out")
n_cases=$(grep -o '"holder"' "$EX/walkthrough.json" | wc -l)
[ "$lines" -eq "$n_cases" ] && ok || bad "$lines result lines for $n_cases cases"
reasons=$(sed 's/.*"reason":"\([A-Z_]*\)".*/\1/' "$TMP/out" | tr '\n' ' ')
want="ALLOWED ALLOWED AGREEMENT_NOT_IN_FORCE PURPOSE_NOT_PERMITTED ALLOWED \
ALLOWED LEVEL_NOT_COVERED ALLOWED NO_CONSENT ALLOWED NO_CONSENT ALLOWED \
NO_CONSENT ALLOWED ITEM_NOT_ACTIVE ALLOWED NEED_TO_KNOW CLEARANCE_TOO_LOW \
NATIONALITY ALLOWED ALLOWED ITEM_NOT_ACTIVE "
[ "$reasons" = "$want" ] && ok || bad "reasons: $reasons"
expect_in "$TMP/out" '"name":"2015 US hub relays it to JPN (TISA)","decision":"allow","reason":"ALLOWED"'
expect_in "$TMP/out" '"marking":"極秘"'

expect_in "$TMP/out" '"name":"JPN civil warning from a KOR track","decision":"allow","reason":"ALLOWED","detail":"JPN may make a civil-warning derivative of this item: consent KOR-2024-0009 of KOR lets JPN make civil-warning derivatives of it"}'

expect_status 0 "$GSOMIA" policy simulate --table "$EX/walkthrough.json"
expect_in "$TMP/out" "CASE"
expect_in "$TMP/out" "LEVEL_NOT_COVERED"

# --- derivatives: before KOR's consent Japan may not make a civil warning
# from a Korean track; the denial names Korea and what would allow it.
cat >"$TMP/derive.json" <<'JSON'
{"consents": ["EXAMPLES/consents/KOR-2024-0009.json"],
 "cases": [{"name": "before", "holder": "JPN", "derive": "civil-warning",
            "at": "2024-02-01T00:00:00Z",
            "item": {"id": "t1", "kind": "track", "state": "active",
                     "label": {"originator": "KOR", "classification": "군사II급비밀",
                               "releasable_to": ["JPN"],
                               "categories": ["DPRK-MISSILE"],
                               "purpose": "missile-warning",
                               "created": "2024-01-10T00:00:00Z"}}}]}
JSON
sed -i "s|EXAMPLES|$EX|" "$TMP/derive.json"
expect_status 0 "$GSOMIA" policy simulate "$TMP/derive.json"
expect_in "$TMP/out" '"reason":"DERIVATIVE_NOT_PERMITTED"'
expect_in "$TMP/out" "KOR's label does not permit civil-warning derivatives, and no consent of KOR lets JPN make them from this item at this time (consent KOR-2024-0009 is valid only from 2024-03-01T00:00:00Z until 2025-03-01T00:00:00Z)"
sed 's/"civil-warning",/"civil-warnings",/' "$TMP/derive.json" >"$TMP/derive-bad.json"
expect_status 1 "$GSOMIA" policy simulate "$TMP/derive-bad.json"
expect_in "$TMP/err" "$TMP/derive-bad.json:2:58: error: \"civil-warnings\" is not a derivative use; use one of: civil-warning"

# --- malformed input: exit 1, FILE:LINE:COLUMN, nothing on stdout.
cat >"$TMP/bad.json" <<'JSON'
{"agreements": [],
 "cases": [{"name": "x", "holder": "USA", "to": "JPN",
            "at": "2024-01-10T00:00:00Z",
            "item": {"id": "t1", "kind": "track", "state": "active",
                     "label": {"originator": "USA", "classification": "SECRIT",
                               "releasable_to": ["JPN"], "purpose": "p",
                               "created": "2024-01-10T00:00:00Z"}}}]}
JSON
expect_status 1 "$GSOMIA" policy simulate "$TMP/bad.json"
expect_in "$TMP/err" "$TMP/bad.json:5:71: error: \"SECRIT\" is not a classification of USA's scheme"
[ ! -s "$TMP/out" ] && ok || bad "output on malformed input"
printf '{"cases": [' >"$TMP/trunc.json"
expect_status 1 "$GSOMIA" policy simulate "$TMP/trunc.json"
expect_in "$TMP/err" "$TMP/trunc.json:1:"
expect_status 1 "$GSOMIA" policy simulate "$TMP/missing.json"
expect_in "$TMP/err" "no such file"
expect_status 2 "$GSOMIA" policy simulate
expect_status 2 "$GSOMIA" policy simulate --frobnicate "$EX/walkthrough.json"
expect_status 2 "$GSOMIA" policy frobnicate
expect_status 2 "$GSOMIA" frobnicate

# --- lint: the examples are clean; a broken agreement is pinpointed.
expect_status 0 "$GSOMIA" policy lint --at 2024-03-01T00:00:00Z \
    "$EX"/agreements/*.json "$EX"/labels/*.json "$EX"/consents/*.json \
    "$EX"/revocations/*.json "$EX"/users/*.json "$EX"/schemes/*.json \
    "$EX/walkthrough.json"
expect_in "$TMP/out" "17 files checked: 0 errors, 0 warnings"
sed 's/"秘"\]}/"極秘"]}/' "$EX/agreements/USA-JPN-2007.json" >"$TMP/a.json"
expect_status 1 "$GSOMIA" policy lint "$TMP/a.json"
expect_in "$TMP/err" "$TMP/a.json:13:65: error"
expect_in "$TMP/err" "\"極秘\" is SECRET in JPN's scheme but stands in the CONFIDENTIAL row"
# An expired consent is a warning, an error only with --strict.
expect_status 0 "$GSOMIA" policy lint --at 2026-01-01T00:00:00Z \
    "$EX/consents/KOR-2024-0007.json"
expect_in "$TMP/err" "consent KOR-2024-0007 expired on 2025-01-15T00:00:00Z"
expect_status 1 "$GSOMIA" policy lint --strict --at 2026-01-01T00:00:00Z \
    "$EX/consents/KOR-2024-0007.json"
# A derivative consent (KOR lets JPN make civil warnings) has no third
# party; having one as well is an error at its place.
expect_status 0 "$GSOMIA" policy lint --strict --at 2024-06-01T00:00:00Z \
    "$EX"/agreements/*.json "$EX/consents/KOR-2024-0009.json"
sed 's/"holder": "JPN",/"holder": "JPN", "third_party": "USA",/' \
    "$EX/consents/KOR-2024-0009.json" >"$TMP/both.json"
expect_status 1 "$GSOMIA" policy lint "$TMP/both.json"
expect_in "$TMP/err" "$TMP/both.json:5:18: error: a consent has either \"third_party\" (a release) or \"derivatives\""

# --- labels: show, and a round trip through STANAG 4774 XML.
expect_status 0 "$GSOMIA" label show "$EX/labels/kor-track.json"
expect_in "$TMP/out" "marking:         군사II급비밀 // REL TO USA, JPN // DPRK-MISSILE // missile-warning"
expect_in "$TMP/out" "originator:      KOR (Republic of Korea)"
cp "$TMP/out" "$TMP/show-json"
expect_status 0 "$GSOMIA" label export --stanag4774 "$EX/labels/kor-track.json"
cp "$TMP/out" "$TMP/label.xml"
expect_in "$TMP/label.xml" 'xmlns:slab="urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"'
expect_status 0 "$GSOMIA" label show "$TMP/label.xml"
cmp -s "$TMP/out" "$TMP/show-json" && ok || bad "XML round trip changed the label"
expect_status 0 "$GSOMIA" label import "$TMP/label.xml"
cp "$TMP/out" "$TMP/imported.json"
expect_status 0 "$GSOMIA" label show "$TMP/imported.json"
cmp -s "$TMP/out" "$TMP/show-json" && ok || bad "import changed the label"
expect_status 0 "$GSOMIA" label show --json --scheme "$EX/schemes/GBR.json" \
    "$EX/labels/kor-track.json"
expect_in "$TMP/out" '"rank": "SECRET"'
# A label that permits civil warnings: shown, and kept through XML.
sed 's/"review"/"derivatives": ["civil-warning"],\n  "review"/' \
    "$EX/labels/kor-track.json" >"$TMP/civil.json"
expect_status 0 "$GSOMIA" label show "$TMP/civil.json"
expect_in "$TMP/out" "derivatives:     civil-warning"
expect_in "$TMP/out" "marking:         군사II급비밀 // REL TO USA, JPN // DPRK-MISSILE // missile-warning"
cp "$TMP/out" "$TMP/civil-show"
expect_status 0 "$GSOMIA" label export --stanag4774 "$TMP/civil.json"
cp "$TMP/out" "$TMP/civil.xml"
expect_in "$TMP/civil.xml" '<slab:Category Type="PERMISSIVE" TagName="Derivatives">'
expect_status 0 "$GSOMIA" label import "$TMP/civil.xml"
expect_in "$TMP/out" '"civil-warning"'
expect_status 0 "$GSOMIA" label show "$TMP/civil.xml"
cmp -s "$TMP/out" "$TMP/civil-show" && ok || bad "XML round trip changed the derivatives"
expect_status 0 "$GSOMIA" label show "$EX/labels/kor-track.json"
expect_in "$TMP/out" "derivatives:     - (none permitted)"
sed 's/"civil-warning"/"civil-warning", "press"/' "$TMP/civil.json" >"$TMP/press.json"
expect_status 1 "$GSOMIA" label show "$TMP/press.json"
expect_in "$TMP/err" "\"press\" is not a derivative use; use one of: civil-warning"
printf '<!DOCTYPE x [<!ENTITY a "a">]><x>&a;</x>' >"$TMP/dtd.xml"
expect_status 1 "$GSOMIA" label import "$TMP/dtd.xml"
expect_in "$TMP/err" "document type declarations are not accepted"

# --- help and version everywhere.
for c in "policy simulate" "policy lint" "label show" "label export" \
         "label import"; do
    # shellcheck disable=SC2086 # the command is two words on purpose
    expect_status 0 "$GSOMIA" $c --help
    expect_in "$TMP/out" "usage: gsomia $c"
done
expect_status 0 "$GSOMIA" --help
expect_status 0 "$GSOMIA" --version
expect_in "$TMP/out" "gsomia "

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
