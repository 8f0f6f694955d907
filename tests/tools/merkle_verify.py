#!/usr/bin/env python3
"""merkle_verify.py - checks gsomia's Merkle trees and proofs with code of
its own (Python 3, hashlib only), written from RFC 6962 and RFC 9162.

With --audit-proof valid|invalid, reads instead one proof as `gsomia audit
proof` writes it and checks the record's inclusion (see audit_proof).

Reads JSON lines from standard input, as written by tests/tools/merkle_gen:
  {"kind": "root", "leaves": [hex, ...], "root": hex, ...}
  {"kind": "inclusion", "index": n, "size": n, "leaf_hash": hex,
   "path": [hex, ...], "root": hex, ...}
  {"kind": "consistency", "old_size": n, "new_size": n, "old_root": hex,
   "new_root": hex, "path": [hex, ...], ...}
each with "expect" (whether it must verify) and "what" (a description).

Every proof is checked twice, by two algorithms that share no code: the
bit walks of RFC 9162 sections 2.1.3.2 and 2.1.4.2, and a recursion that
rebuilds the roots from the definitions of PATH and SUBPROOF in RFC 6962
section 2.1. Both verdicts must equal "expect". Prints one line per
disagreement and a last line "N passed, M failed"; exits 1 on any failure,
on malformed input, or when there was nothing to check.

gsomia's rules beyond the RFCs, applied here too: tree sizes are at most
2^63; for old size 0 the old root must be the empty tree's root (and the new
root too if the new size is 0).
"""
import hashlib
import json
import sys

MAX_SIZE = 1 << 63
HASH_LEN = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n):
    """The largest power of two smaller than n (n >= 2)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):
    """MTH(D[n]) of RFC 6962 section 2.1, from the leaves' data."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = split(len(leaves))
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


# ---- RFC 9162 section 2.1.3.2 and 2.1.4.2, step by step ------------------

def inclusion_rfc9162(index, size, leaf, path, root):
    if index >= size:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def consistency_rfc9162(first, second, first_hash, second_hash, path):
    if first > second:
        return False
    if first == 0:
        return not path and first_hash == EMPTY_ROOT and (
            second > 0 or second_hash == EMPTY_ROOT)
    if first == second:
        return not path and first_hash == second_hash
    if not path:
        return False
    if first & (first - 1) == 0:
        path = [first_hash] + path
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_hash and sr == second_hash


# ---- RFC 6962 section 2.1.1 and 2.1.2, run backwards ----------------------

def root_from_path(m, n, leaf, path):
    """The root that PATH(m, D[n]) = path implies, or None if path cannot
    be that PATH. The last element is the sibling at the top."""
    if n == 1:
        return leaf if not path else None
    if not path:
        return None
    k = split(n)
    top, rest = path[-1], path[:-1]
    if m < k:
        sub = root_from_path(m, k, leaf, rest)
        return None if sub is None else node_hash(sub, top)
    sub = root_from_path(m - k, n - k, leaf, rest)
    return None if sub is None else node_hash(top, sub)


def roots_from_subproof(m, n, b, path, old_root):
    """(MTH(D[0:m]), MTH(D[0:n])) of the subtree that SUBPROOF(m, D[n], b)
    = path implies, or None. With b, the old tree's root is old_root."""
    if m == n:
        if b:
            return (old_root, old_root) if not path else None
        return (path[0], path[0]) if len(path) == 1 else None
    if not path:
        return None
    k = split(n)
    top, rest = path[-1], path[:-1]
    if m <= k:
        sub = roots_from_subproof(m, k, b, rest, old_root)
        return None if sub is None else (sub[0], node_hash(sub[1], top))
    sub = roots_from_subproof(m - k, n - k, False, rest, old_root)
    if sub is None:
        return None
    return (node_hash(top, sub[0]), node_hash(top, sub[1]))


def inclusion_recursive(index, size, leaf, path, root):
    if index >= size:
        return False
    return root_from_path(index, size, leaf, path) == root


def consistency_recursive(m, n, old_root, new_root, path):
    if m > n:
        return False
    if m == 0:
        return not path and old_root == EMPTY_ROOT and (
            n > 0 or new_root == EMPTY_ROOT)
    if m == n:
        return not path and old_root == new_root
    roots = roots_from_subproof(m, n, True, path, old_root)
    return roots is not None and roots == (old_root, new_root)


# ---- input ----------------------------------------------------------------

def unhex(s, length=None):
    b = bytes.fromhex(s)
    if length is not None and len(b) != length:
        raise ValueError("want %d bytes, got %d" % (length, len(b)))
    return b


def size_of(case, key):
    v = case[key]
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise ValueError("%s is not a size" % key)
    return v


def check(case):
    """Returns the list of verdicts that differ from case["expect"]."""
    kind = case["kind"]
    expect = case["expect"]
    if not isinstance(expect, bool):
        raise ValueError("expect is not a boolean")
    if kind == "root":
        leaves = [unhex(x) for x in case["leaves"]]
        got = mth(leaves) == unhex(case["root"], HASH_LEN)
        return [] if got == expect else ["MTH says %s" % got]
    path = [unhex(x, HASH_LEN) for x in case["path"]]
    if kind == "inclusion":
        index, size = size_of(case, "index"), size_of(case, "size")
        leaf = unhex(case["leaf_hash"], HASH_LEN)
        root = unhex(case["root"], HASH_LEN)
        ok_size = size <= MAX_SIZE
        verdicts = [
            ("RFC 9162", ok_size and inclusion_rfc9162(index, size, leaf,
                                                       path, root)),
            ("RFC 6962", ok_size and inclusion_recursive(index, size, leaf,
                                                         path, root)),
        ]
    elif kind == "consistency":
        m, n = size_of(case, "old_size"), size_of(case, "new_size")
        old_root = unhex(case["old_root"], HASH_LEN)
        new_root = unhex(case["new_root"], HASH_LEN)
        ok_size = n <= MAX_SIZE
        verdicts = [
            ("RFC 9162", ok_size and consistency_rfc9162(m, n, old_root,
                                                         new_root, path)),
            ("RFC 6962", ok_size and consistency_recursive(m, n, old_root,
                                                           new_root, path)),
        ]
    else:
        raise ValueError("unknown kind %r" % kind)
    return ["%s says %s" % (name, got) for name, got in verdicts
            if got != expect]


def audit_proof(expect):
    """Checks one proof as `gsomia audit proof` writes it (a JSON document
    on standard input): the record's exact bytes hashed as a leaf, and its
    inclusion in the signed head's tree. The head's Ed25519 signature is
    not checked here (hashlib has no Ed25519); `gsomia audit check-proof`
    checks it."""
    doc = json.load(sys.stdin)
    head = doc["tree_head"]
    case = {"kind": "inclusion", "index": doc["index"], "size": head["size"],
            "leaf_hash": leaf_hash(doc["record"].encode("utf-8")).hex(),
            "path": doc["path"], "root": head["root"], "expect": expect,
            "what": "gsomia audit proof of record %d" % doc["index"]}
    wrong = check(case)
    print("%d passed, %d failed" % (0 if wrong else 1, 1 if wrong else 0))
    return 1 if wrong else 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--audit-proof":
        return audit_proof(sys.argv[2] == "valid")
    passed = failed = 0
    for lineno, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
            wrong = check(case)
        except (ValueError, KeyError, TypeError) as e:
            print("line %d: malformed case: %s" % (lineno, e))
            failed += 1
            continue
        if wrong:
            failed += 1
            print("line %d: %s %s, expected %s: %s" % (
                lineno, case["kind"], case.get("what", "?"),
                "valid" if case["expect"] else "invalid", "; ".join(wrong)))
        else:
            passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
