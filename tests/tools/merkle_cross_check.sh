#!/bin/sh
# merkle_cross_check.sh GENERATOR PYTHON VERIFIER: runs merkle_gen (whose
# exit status says whether gsomia's verifiers agreed with each case's
# expectation) and feeds its cases to merkle_verify.py (which checks them
# with its own implementation). Fails if either disagrees. Run by CTest as
# `merkle_cross_check`.
set -eu
gen=$1
python=$2
verifier=$3
cases=$(mktemp)
trap 'rm -f "$cases"' EXIT
"$gen" >"$cases"
"$python" "$verifier" <"$cases"
