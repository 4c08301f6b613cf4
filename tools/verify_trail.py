#!/usr/bin/env python3
"""Independent verifier for aitrail trails, format version 1.

Written from docs/format.md (standard library only), so that the format
document, not the C++ implementation, is what defines a valid trail; the test
format.independent_verifier checks that it reaches the same verdicts as
`aitrail verify`.

usage: verify_trail.py PATH...

  PATH  a trail directory (every trail-<S>-<D>.jsonl in it, in byte-wise
        ascending name order) or trail files (read in the order given).

Output (docs/format.md section 6):

  OK <entries> entries, <files> files, <n> bytes                  exit 0

  FAIL <file>:<line> seq <n>: <kind> — <detail>                  exit 1
  ...                           (one line per finding, in trail order)
  FAILED <k> problems (<entries> entries, <files> files, <n> bytes read)

  exit 2: usage or I/O error (no PATH, a PATH that does not exist or cannot
  be read, a directory without trail files).

<file> is the path as given, or the directory as given joined with the file
name.  " seq <n>" is left out when the line gives no seq (torn line, not a
trail entry, or not canonical without a readable envelope).  <kind> is one
of: torn line, not canonical, not a trail entry, record modified, content
modified, gap/deleted, reordered, inserted, broken across files,
unverifiable.  Findings are listed by file and line; for one line, its own
checks come first, then chain findings.  Sizes are plain byte counts
("7267 bytes") where `aitrail verify` prints human units ("7.3 kB"), and the
<detail> texts are this verifier's own.

Checks: torn line; canonical form (RFC 8785), by parsing the line and
comparing its bytes with an independent re-serialization; the envelope; the
entry hash (4.1) computed by re-serializing {prev, rec, seq, v}; the content
digests (4.2); the chain (6).

Where docs/format.md leaves a case open, this verifier does what
`aitrail verify` does:
  - a file other than the last one that ends without a newline: torn line;
  - a byte-order mark, duplicate member names (the last value is read), or
    nesting deeper than 512 levels: not canonical; invalid UTF-8, lone
    surrogates (\\uD800 escapes), NaN, numbers beyond the double range: not a
    trail entry;
  - a line that is not canonical but has a valid envelope keeps its place in
    the chain (its seq is counted) but is not checked for hash or content;
    numbers are compared by value there (a seq of 49.0 is 49), up to 2^64-1;
  - a line is checked for content only when its entry hash is right;
  - prev links are checked as entries are read, against the entry holding
    seq - 1 at that moment, and only blamed (record modified) when neither
    entry failed a check of its own; an earlier duplicate that failed a check
    of its own is not also reported as inserted; seq 0 whose prev is not 64
    zeros is record modified;
  - a gap is reordered only when every missing seq turns up later; a first
    entry whose seq is not 0 is gap/deleted, even at the start of a file;
  - the hasher is read from the first entry only when it is a canonical
    trail.open at seq 0; every canonical trail.open naming a hasher this
    verifier cannot run is reported unverifiable, and prev links are still
    compared;
  - the trail file name's <S> is not compared with the file's first seq.
A trail.open whose rec.meta.hasher is not a string is reported unverifiable
(`aitrail verify` stops with an error on it).
"""

import hashlib
import json
import math
import os
import re
import sys

FORMAT_VERSION = 1
ZERO_HASH = "0" * 64
TRAIL_FILE_RE = re.compile(rb"\Atrail-[0-9]{16}-[0-9]{8}\.jsonl\Z")
HEX64_RE = re.compile(r"\A[0-9a-f]{64}\Z")
ENTRY_REQUIRED = frozenset(("hash", "prev", "rec", "seq", "v"))
ENTRY_ALLOWED = ENTRY_REQUIRED | {"content"}

# Hashers a verifier can run without a key (section 4.3).
HASHERS = {"sha256": hashlib.sha256}

KIND_TORN = "torn line"
KIND_NOT_CANONICAL = "not canonical"
KIND_NOT_ENTRY = "not a trail entry"
KIND_RECORD = "record modified"
KIND_CONTENT = "content modified"
KIND_GAP = "gap/deleted"
KIND_REORDERED = "reordered"
KIND_INSERTED = "inserted"
KIND_BROKEN = "broken across files"
KIND_UNVERIFIABLE = "unverifiable"


class UsageError(Exception):
    """A usage or I/O problem: exit status 2."""


class NoCanonicalForm(ValueError):
    """The value has no RFC 8785 form (lone surrogate, NaN, infinity)."""


class JsonError(ValueError):
    """The text is not a JSON value this verifier accepts as RFC 8259 JSON."""


class NotCanonical(ValueError):
    """The text is JSON but can never be canonical (duplicate names, a
    byte-order mark, nesting deeper than MAX_DEPTH)."""


# Nesting depth (the entry object itself is depth 1) beyond which a line is
# reported as not canonical.  docs/format.md sets no limit; `aitrail verify`
# accepts 512 levels and rejects 513, and this verifier does the same.
MAX_DEPTH = 512

# The largest seq taken as one (see check_envelope).
MAX_SEQ = 2**64 - 1


# --------------------------------------------------------------------------
# RFC 8785 (JCS) canonicalization

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f",
            "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')


def _escape_char(match):
    ch = match.group(0)
    esc = _ESCAPES.get(ch)
    return esc if esc is not None else "\\u%04x" % ord(ch)


def jcs_string(s):
    """A JSON string in canonical form (section 3)."""
    for ch in s:
        if 0xD800 <= ord(ch) <= 0xDFFF:
            raise NoCanonicalForm("lone surrogate in a string")
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, s) + '"'


def es6_number(x):
    """ECMAScript Number.prototype.toString of the IEEE-754 double x."""
    if isinstance(x, int):
        try:
            x = float(x)
        except OverflowError:
            raise NoCanonicalForm("number out of the double range") from None
    if math.isnan(x) or math.isinf(x):
        raise NoCanonicalForm("NaN or infinity")
    if x == 0:
        return "0"  # also for -0
    if x < 0:
        return "-" + es6_number(-x)
    # repr() yields the shortest digit string that round-trips, which is
    # what ECMAScript asks for; only the layout differs.
    r = repr(x)
    mantissa, _, exp = r.partition("e")
    exp = int(exp) if exp else 0
    int_part, _, frac_part = mantissa.partition(".")
    digits = int_part + frac_part
    # value = 0.<digits> * 10^n  with  n = len(int_part) + exp
    n = len(int_part) + exp
    stripped = digits.lstrip("0")
    n -= len(digits) - len(stripped)
    digits = stripped.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    sign = "+" if e >= 0 else "-"
    if k == 1:
        return digits + "e" + sign + str(abs(e))
    return digits[0] + "." + digits[1:] + "e" + sign + str(abs(e))


def _utf16_key(name):
    return name.encode("utf-16-be", "surrogatepass")


def jcs(value):
    """The RFC 8785 canonical form of a parsed JSON value, as a str."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return es6_number(value)
    if isinstance(value, str):
        return jcs_string(value)
    if isinstance(value, list):
        return "[" + ",".join(jcs(v) for v in value) + "]"
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: _utf16_key(kv[0]))
        return "{" + ",".join(jcs_string(k) + ":" + jcs(v) for k, v in items) + "}"
    raise TypeError("not a JSON value: %r" % type(value))


def jcs_bytes(value):
    return jcs(value).encode("utf-8")


# --------------------------------------------------------------------------
# Parsing (RFC 8259, strict)

class _Parsed:
    """Per-parse notes: why the text can never be canonical, if it cannot."""
    not_canonical = None


_parse_notes = _Parsed()


def _object_pairs(pairs):
    obj = {}
    for key, val in pairs:
        if key in obj and _parse_notes.not_canonical is None:
            # Section 3 lists unique names among the rules of canonical
            # form.  The value read is the last one, as in most parsers.
            _parse_notes.not_canonical = "duplicate member name %s" % json.dumps(key)
        obj[key] = val
    return obj


def _reject_constant(name):
    raise JsonError("%s is not JSON" % name)


def _parse_float(text):
    value = float(text)
    if math.isinf(value):
        raise JsonError("number %s is outside the double range" % text)
    return value


_decoder = json.JSONDecoder(object_pairs_hook=_object_pairs,
                            parse_constant=_reject_constant,
                            parse_float=_parse_float)


_STRING_RE = re.compile(rb'"(?:[^"\\]|\\.)*"')


def _nesting_depth(raw):
    """The deepest nesting of arrays and objects in a JSON text."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return 0  # cannot be too deep: skip the scan
    depth = deepest = 0
    for ch in _STRING_RE.sub(b"", raw):
        if ch == 0x5B or ch == 0x7B:      # [ {
            depth += 1
            if depth > deepest:
                deepest = depth
        elif ch == 0x5D or ch == 0x7D:    # ] }
            depth -= 1
    return deepest


_SURROGATE_RE = re.compile("[\\ud800-\\udfff]")


def _check_strings(value):
    """Lone surrogates (from \\uD800-style escapes) are not text: reject them."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE_RE.search(item):
                raise JsonError("lone surrogate in a string")
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())


def parse_json(raw):
    """Parse one line's bytes as a JSON text (UTF-8, RFC 8259).

    Returns (value, reason): reason says why the bytes can never be
    canonical (a byte-order mark, duplicate names, nesting deeper than
    MAX_DEPTH) or is None.  Raises JsonError when the bytes are not JSON,
    and NotCanonical when they are too deeply nested to be read here."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonError("invalid UTF-8 at byte %d" % exc.start) from None
    reason = None
    if text.startswith("\ufeff"):
        text = text[1:]
        reason = "starts with a byte-order mark"
    if reason is None and _nesting_depth(raw) > MAX_DEPTH:
        reason = "nested deeper than %d levels" % MAX_DEPTH
    _parse_notes.not_canonical = None
    try:
        value = _decoder.decode(text)
    except JsonError:
        raise
    except RecursionError:
        raise NotCanonical("nested too deeply to be read") from None
    except ValueError as exc:  # json.JSONDecodeError
        msg = getattr(exc, "msg", str(exc))
        pos = getattr(exc, "pos", None)
        raise JsonError(msg if pos is None else "%s at character %d" % (msg, pos)) from None
    _check_strings(value)
    return value, reason or _parse_notes.not_canonical


# --------------------------------------------------------------------------
# Trail reading

class Line:
    __slots__ = ("name", "file_index", "number", "raw", "complete",
                 "first_in_file", "entry", "seq", "hash", "prev",
                 "canonical", "usable", "bad")

    def __init__(self, name, file_index, number, raw, complete, first_in_file):
        self.name = name
        self.file_index = file_index
        self.number = number
        self.raw = raw
        self.complete = complete
        self.first_in_file = first_in_file
        self.entry = None
        self.seq = None
        self.hash = None
        self.prev = None
        self.canonical = False  # byte-identical to its RFC 8785 form
        self.usable = False     # envelope valid: takes part in the chain
        self.bad = False        # failed a check of its own (steps 1-5)


def collect_files(paths):
    """The trail files named by PATH arguments, in trail order.

    A directory contributes every entry whose name matches the trail file
    pattern, in byte-wise ascending name order (section 1); an entry with
    such a name that cannot be read is an I/O error, not something to skip.
    Files named on the command line are taken as given, in the order given.
    Each file is returned as (name to print, path to open)."""
    files = []
    for path in paths:
        bpath = os.fsencode(path)
        if os.path.isdir(bpath):
            try:
                names = os.listdir(bpath)
            except OSError as exc:
                raise UsageError("cannot read directory '%s': %s" % (path, exc.strerror))
            found = sorted(n for n in names if TRAIL_FILE_RE.match(n))
            if not found:
                raise UsageError("no trail files (trail-*.jsonl) in directory '%s'" % path)
            sep = b"" if bpath.endswith(b"/") else b"/"
            files.extend((os.fsdecode(bpath + sep + n), bpath + sep + n) for n in found)
        elif os.path.exists(bpath):
            files.append((path, bpath))
        else:
            raise UsageError("no such file or directory: '%s'" % path)
    return files


def read_lines(files):
    lines = []
    total_bytes = 0
    for index, (name, bpath) in enumerate(files):
        try:
            with open(bpath, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise UsageError("cannot read '%s': %s" % (os.fsdecode(bpath), exc.strerror))
        total_bytes += len(data)
        if not data:
            continue
        pieces = data.split(b"\n")
        complete_tail = pieces[-1] == b""
        if complete_tail:
            pieces.pop()
        for i, raw in enumerate(pieces):
            is_last = i == len(pieces) - 1
            lines.append(Line(name, index, i + 1, raw,
                              complete=(complete_tail or not is_last),
                              first_in_file=(i == 0)))
    return lines, total_bytes


# --------------------------------------------------------------------------
# Verification

class Finding:
    __slots__ = ("line", "seq", "kind", "detail")

    def __init__(self, line, seq, kind, detail):
        self.line = line
        self.seq = seq
        self.kind = kind
        self.detail = detail

    def format(self):
        seq = "" if self.seq is None else " seq %d" % self.seq
        return "FAIL %s:%d%s: %s \u2014 %s" % (
            self.line.name, self.line.number, seq, self.kind, self.detail)


def _describe_json_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def check_envelope(entry):
    """Section 2 / 6 step 3: None when the envelope is right, else why not."""
    if not isinstance(entry, dict):
        return "the line is %s, not an object" % _describe_json_type(entry)
    missing = sorted(ENTRY_REQUIRED - entry.keys())
    if missing:
        return "missing member%s %s" % ("s" if len(missing) > 1 else "",
                                        ", ".join('"%s"' % m for m in missing))
    extra = sorted(entry.keys() - ENTRY_ALLOWED)
    if extra:
        return "unknown member%s %s" % ("s" if len(extra) > 1 else "",
                                        ", ".join(json.dumps(m) for m in extra))
    # Numbers are compared by value (section 3 reads every number as the
    # double it denotes): 1.0 is 1 and 4.9e1 is 49, although such a line is
    # not canonical.  docs/format.md sets no maximum for seq; like
    # `aitrail verify`, this verifier takes seq up to 2^64 - 1.
    if not _is_number(entry["v"]) or entry["v"] != FORMAT_VERSION:
        return "\"v\" is not %d" % FORMAT_VERSION
    seq = entry["seq"]
    if not _is_number(seq) or seq < 0 or seq > MAX_SEQ \
            or (isinstance(seq, float) and not seq.is_integer()):
        return "\"seq\" is not a non-negative integer"
    for member in ("hash", "prev"):
        val = entry[member]
        if not isinstance(val, str) or not HEX64_RE.match(val):
            return "\"%s\" is not 64 lowercase hex digits" % member
    if not isinstance(entry["rec"], dict):
        return "\"rec\" is %s, not an object" % _describe_json_type(entry["rec"])
    if "content" in entry:
        if not isinstance(entry["content"], dict):
            return "\"content\" is %s, not an object" % _describe_json_type(entry["content"])
    return None


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _short(h):
    return h[:12] + "\u2026"


def entry_hash(entry, hasher):
    """Section 4.1: H(JCS({prev, rec, seq, v}))."""
    sealed = {"prev": entry["prev"], "rec": entry["rec"],
              "seq": entry["seq"], "v": entry["v"]}
    return hasher(jcs_bytes(sealed)).hexdigest()


def named_hasher(line):
    """The hasher name a trail.open entry gives in rec.meta.hasher, or None."""
    rec = line.entry["rec"]
    meta = rec.get("meta")
    if line.seq != 0 or rec.get("kind") != "trail.open" \
            or not isinstance(meta, dict) or "hasher" not in meta:
        return None
    return meta["hasher"]


def verify(lines):
    """All findings, in trail order; per line, its own checks come first."""
    findings = []

    def report(line, seq, kind, detail, own=True):
        if own:
            line.bad = True
        findings.append(Finding(line, seq, kind, detail))

    # Steps 1-3: torn line, canonical form, envelope.  A line whose envelope
    # is right takes part in the chain even when it is not canonical; a line
    # without a readable envelope is reported without a seq and is left out
    # (its neighbours then show a gap).
    for line in lines:
        if not line.complete:
            # Section 6 step 1 names the last line of the last file; a file
            # before it that ends the same way is reported alike (as
            # `aitrail verify` does): its final line was cut the same way.
            report(line, None, KIND_TORN,
                   "the final line of the file has no newline (%d bytes): "
                   "a write was interrupted" % len(line.raw))
            continue
        try:
            entry, reason = parse_json(line.raw)
        except JsonError as exc:
            report(line, None, KIND_NOT_ENTRY, "not JSON: %s" % exc)
            continue
        except NotCanonical as exc:
            report(line, None, KIND_NOT_CANONICAL, str(exc))
            continue
        if reason is None:
            try:
                if jcs_bytes(entry) != line.raw:
                    reason = _first_difference(line.raw, jcs_bytes(entry))
            except NoCanonicalForm as exc:
                reason = "no canonical form: %s" % exc
        problem = check_envelope(entry)
        if problem is None:
            line.entry = entry
            line.seq = int(entry["seq"])
            line.hash = entry["hash"]
            line.prev = entry["prev"]
            line.usable = True
            line.canonical = reason is None
        if reason is not None:
            report(line, line.seq, KIND_NOT_CANONICAL, reason)
        elif problem is not None:
            report(line, None, KIND_NOT_ENTRY, problem)

    usable = [line for line in lines if line.usable]
    checked = [line for line in usable if line.canonical]

    # Section 4.3: the hasher is named by the trail's first entry, a
    # trail.open at seq 0; sha256 when the first entry is not available.
    hasher = HASHERS["sha256"]
    if usable and usable[0].canonical and usable[0].seq == 0:
        name = named_hasher(usable[0])
        if name is not None:
            hasher = HASHERS.get(name) if isinstance(name, str) else None
    for line in checked:
        name = named_hasher(line)
        if name is not None and (not isinstance(name, str) or name not in HASHERS):
            report(line, line.seq, KIND_UNVERIFIABLE,
                   "the trail is chained with hasher %s, which this verifier cannot "
                   "compute (keyed hashers need their key); entry hashes not checked"
                   % jcs(name), own=False)

    # Steps 4 and 5, for canonical entries: entry hash (4.1), then content
    # digests (4.2, always SHA-256); a line is reported for the first only.
    for line in checked:
        if hasher is not None:
            computed = entry_hash(line.entry, hasher)
            if computed != line.hash:
                report(line, line.seq, KIND_RECORD,
                       "entry hash is %s, the line says %s"
                       % (_short(computed), _short(line.hash)))
                continue
        content = line.entry.get("content")
        if content is None:
            continue
        digests = line.entry["rec"].get("digests")
        if not isinstance(digests, dict):
            digests = {}
        for key in sorted(content, key=_utf16_key):
            digest = hashlib.sha256(jcs_bytes(content[key])).hexdigest()
            stored = digests.get(key)
            if stored is None:
                report(line, line.seq, KIND_CONTENT,
                       "content %s has no digest in rec.digests" % json.dumps(key))
                break
            if stored != digest:
                report(line, line.seq, KIND_CONTENT,
                       "content %s has SHA-256 %s, rec.digests says %s"
                       % (json.dumps(key), _short(digest),
                          _short(stored) if isinstance(stored, str) else jcs(stored)))
                break

    # Step 6: the chain.
    chain_findings(usable, report)

    findings.sort(key=lambda f: (f.line.file_index, f.line.number))  # stable
    return findings


def chain_findings(usable, report):
    """Section 6 step 6, reading the entries in trail order.

    A prev link is checked when an entry arrives and the entry holding
    seq - 1 has been read; a link is only blamed on the earlier entry when
    neither entry failed a check of its own ("while both entries' own hashes
    are correct").  Gaps are settled at the end, when it is known whether the
    missing entries turned up later (reordered) or not (gap/deleted, or
    broken across files at the first line of a file)."""
    holder = {}       # seq -> the line the chain continues from (the later duplicate)
    gaps = []         # (line, first missing seq, last missing seq)
    arrived_late = set()
    last = None
    for line in usable:
        seq = line.seq
        if last is None:
            if seq != 0:
                gaps.append((line, 0, seq - 1))
        elif seq > last + 1:
            gaps.append((line, last + 1, seq - 1))
        elif seq <= last:
            if seq in holder:
                earlier = holder[seq]
                if not earlier.bad:  # a line that failed its own checks is reported already
                    report(earlier, seq, KIND_INSERTED,
                           "seq %d appears again at %s:%d and the chain continues from "
                           "there: this line was inserted" % (seq, line.name, line.number),
                           own=False)
            else:
                arrived_late.add(seq)
        holder[seq] = line
        last = seq if last is None else max(last, seq)

        if seq == 0:
            if line.prev != ZERO_HASH and not line.bad:
                report(line, 0, KIND_RECORD,
                       "seq 0 must have a \"prev\" of 64 zeros", own=False)
            continue
        before = holder.get(seq - 1)
        if before is not None and line.prev != before.hash \
                and not line.bad and not before.bad:
            report(before, before.seq, KIND_RECORD,
                   "its hash %s is not the \"prev\" %s of seq %d at %s:%d: "
                   "the entry was replaced"
                   % (_short(before.hash), _short(line.prev), seq, line.name, line.number),
                   own=False)

    for line, lo, hi in gaps:
        if hi - lo + 1 <= len(arrived_late):
            late = sum(1 for seq in range(lo, hi + 1) if seq in arrived_late)
        else:
            late = sum(1 for seq in arrived_late if lo <= seq <= hi)
        if late == hi - lo + 1:
            report(line, line.seq, KIND_REORDERED,
                   "%s before this line %s later in the trail: lines were moved or swapped"
                   % (_range(lo, hi), "turns up" if lo == hi else "turn up"), own=False)
            continue
        note = "; %d of them turn up later in the trail" % late if late else ""
        if line is usable[0]:
            # The first entry is not seq 0: the start of the trail is
            # missing (or only later files were given).
            report(line, line.seq, KIND_GAP,
                   "the trail starts at seq %d, not 0: %s missing%s"
                   % (line.seq, _range(lo, hi), note), own=False)
        elif line.first_in_file:
            report(line, line.seq, KIND_BROKEN,
                   "this file starts at seq %d, the previous file ends at seq %d: "
                   "%s missing (a file was removed)%s"
                   % (line.seq, lo - 1, _range(lo, hi), note), own=False)
        else:
            report(line, line.seq, KIND_GAP,
                   "%s missing before this line%s" % (_range(lo, hi), note), own=False)


def _range(lo, hi):
    return "seq %d" % lo if lo == hi else "seqs %d..%d" % (lo, hi)


def _first_difference(raw, canonical):
    n = 0
    limit = min(len(raw), len(canonical))
    while n < limit and raw[n] == canonical[n]:
        n += 1
    return "differs from its RFC 8785 form at byte %d" % n


def _plural(n, word, plural):
    return "%d %s" % (n, word if n == 1 else plural)


def main(argv):
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20 * MAX_DEPTH))
    args = argv[1:]
    if args and args[0] == "--":
        args = args[1:]
    elif args and args[0] in ("-h", "--help"):
        sys.stdout.buffer.write(__doc__.encode("utf-8"))
        return 0
    if not args:
        sys.stderr.write("usage: verify_trail.py PATH...\n")
        return 2
    try:
        files = collect_files(args)
        lines, total_bytes = read_lines(files)
    except UsageError as exc:
        sys.stderr.write("verify_trail.py: %s\n" % exc)
        return 2
    findings = verify(lines)
    entries = sum(1 for line in lines if line.usable)
    totals = "%s, %s, %s" % (_plural(entries, "entry", "entries"),
                             _plural(len(files), "file", "files"),
                             _plural(total_bytes, "byte", "bytes"))
    out = sys.stdout.buffer
    if findings:
        for finding in findings:
            # surrogateescape: a file name that is not UTF-8 is printed as
            # the bytes it is made of
            out.write(finding.format().encode("utf-8", "surrogateescape") + b"\n")
        out.write(("FAILED %s (%s read)\n"
                   % (_plural(len(findings), "problem", "problems"), totals)).encode("utf-8"))
        out.flush()
        return 1
    out.write(("OK %s\n" % totals).encode("utf-8"))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
