#!/usr/bin/env python3
"""Check that the headers under include/aitrail/ include only downwards.

aitrail is built in layers; a header may include headers of its own layer or of
lower ones, never of a higher one, so that each layer can be understood, tested
and reused without the ones above it:

    rank 0  config.hpp, fwd.hpp, detail/*.hpp (the shared toolbox)
    rank 1  record/
    rank 2  integrity/
    rank 3  policy/
    rank 4  storage/
    rank 5  pipeline/
    rank 6  capture/
    rank 7  read/
    rank 8  manage/ (changes stored data: tiles rebuild, retention, erasure)
    rank 9  aitrail.hpp (the umbrella)

Further rules:
- A header directly in detail/ may include only config.hpp and other such
  headers: it is the toolbox every layer shares, so it must not pull in any
  public type. A header in detail/<layer>/ (for example detail/storage/posix.hpp)
  is that layer's private part and ranks with it. Nothing else may sit in
  detail/: a file there is either toolbox or in its layer's folder.
- A top-level <layer>.hpp (for example aitrail/storage.hpp) ranks with its layer.
- <openssl/...> may be included only by detail/openssl.hpp,
  <boost/lockfree/...> only by detail/lockfree.hpp, <sqlite3.h> only by
  detail/storage/sqlite.hpp and <libpq-fe.h> (any <libpq...>) only by
  detail/storage/libpq.hpp, so each dependency sits behind one small header
  that can be swapped or stubbed.
- The command-line tool (tools/aitrail/), the examples and the benchmarks are
  the library's first users: their sources include only public headers, never
  aitrail/detail/ (tests may, explicitly).

The source tree checked is the repository's unless `--root DIR` names another
(the script's own test runs it on a tree with planted violations).

Prints one line per violation, `file:line: message`, and exits 1 if there are
any. Only the Python 3 standard library is used.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__/ left in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
from amalgamate import directive_lines  # noqa: E402  (one notion of "an include")

ROOT = Path(__file__).resolve().parent.parent
HEADERS = ROOT / "include" / "aitrail"
# Folders whose sources are users of the library: public headers only.
USER_FOLDERS = ("tools/aitrail", "examples", "benchmarks")
SOURCE_SUFFIXES = (".hpp", ".cpp", ".h", ".cc")

LAYERS = {
    "config": 0, "fwd": 0, "detail": 0,
    "record": 1,
    "integrity": 2,
    "policy": 3,
    "storage": 4,
    "pipeline": 5,
    "capture": 6,
    "read": 7,
    "manage": 8,
    "aitrail": 9,
}
# Layers a detail/<layer>/ folder or a top-level <layer>.hpp may name.
PUBLIC_LAYERS = ("record", "integrity", "policy", "storage", "pipeline", "capture", "read", "manage")

# A third-party include prefix and the only header allowed to use it.
GATED_INCLUDES = {
    "openssl/": "aitrail/detail/openssl.hpp",
    "boost/lockfree/": "aitrail/detail/lockfree.hpp",
    "sqlite3": "aitrail/detail/storage/sqlite.hpp",
    "libpq": "aitrail/detail/storage/libpq.hpp",
}

DETAIL_NAME = re.compile(r"\baitrail::(?:v1::)?detail\b")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def layer_of(name: str) -> str | None:
    """The layer of header `aitrail/...`, or None when it fits none."""
    parts = name.split("/")[1:]  # drop the leading "aitrail"
    if len(parts) == 1:
        stem = parts[0].removesuffix(".hpp")
        if stem in ("config", "fwd", "aitrail") or stem in PUBLIC_LAYERS:
            return stem
        return None
    if parts[0] == "detail":
        if len(parts) == 2:
            return "detail"  # the shared toolbox
        # detail/<layer>/... is that layer's private part and ranks with it.
        return parts[1] if len(parts) == 3 and parts[1] in PUBLIC_LAYERS else None
    return parts[0] if parts[0] in PUBLIC_LAYERS else None


def describe(name: str, layer: str) -> str:
    return f"{name} (layer {layer}, rank {LAYERS[layer]})"


def resolve(spelled: str, bracket: str, includer: Path) -> str | None:
    """Map an include to `aitrail/...` when it names one of our headers."""
    if bracket == "<":
        return spelled if spelled.startswith("aitrail/") else None
    # A quoted include is looked up next to the includer first.
    candidate = (includer.parent / spelled).resolve()
    try:
        return candidate.relative_to(HEADERS.parent).as_posix()
    except ValueError:
        return spelled if spelled.startswith("aitrail/") else None


def check_header(path: Path) -> list[str]:
    name = path.relative_to(HEADERS.parent).as_posix()
    shown = path.relative_to(ROOT).as_posix()
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    problems: list[str] = []

    layer = layer_of(name)
    if layer is None:
        return [f"{shown}:1: {name} belongs to no layer; "
                "put it in a layer folder or add it to LAYERS in scripts/check_layers.py"]

    for index in sorted(directive_lines(text)):
        match = INCLUDE.match(lines[index])
        if not match:
            continue
        where = f"{shown}:{index + 1}"
        bracket, spelled = match.group(1), match.group(2)

        for prefix, owner in GATED_INCLUDES.items():
            if spelled.startswith(prefix) and name != owner:
                problems.append(f"{where}: {name} includes <{spelled}>; "
                                f"only {owner} may include <{prefix}...>")

        other = resolve(spelled, bracket, path)
        if other is None:
            continue
        if not (HEADERS.parent / other).is_file():
            problems.append(f"{where}: {name} includes <{other}>, which does not exist")
            continue
        other_layer = layer_of(other)
        if other_layer is None:
            continue  # reported when that header itself is checked
        if LAYERS[other_layer] > LAYERS[layer]:
            problems.append(f"{where}: {describe(name, layer)} includes "
                            f"{describe(other, other_layer)}")
        elif layer == "detail" and other_layer not in ("detail", "config"):
            problems.append(f"{where}: {describe(name, layer)} includes "
                            f"{describe(other, other_layer)}; plain detail/ headers may "
                            "include only config.hpp and other detail/ headers")
    return problems


def check_user_source(path: Path) -> list[str]:
    """A source of the tool, an example or a benchmark: no aitrail/detail/ include."""
    shown = path.relative_to(ROOT).as_posix()
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    problems: list[str] = []
    for index in sorted(directive_lines(text)):
        match = INCLUDE.match(lines[index])
        if match and match.group(2).startswith("aitrail/detail/"):
            problems.append(f"{shown}:{index + 1}: includes <{match.group(2)}>; the tool, "
                            "examples and benchmarks use public headers only "
                            "(make what they need public API in its layer)")
    # A detail name reached through a public header is as private as its header.
    for index, line in enumerate(lines):
        if DETAIL_NAME.search(line.split("//", 1)[0]):
            problems.append(f"{shown}:{index + 1}: uses aitrail::detail; the tool, examples "
                            "and benchmarks use public API only")
    return problems


def main() -> int:
    global ROOT, HEADERS
    args = sys.argv[1:]
    if args[:1] == ["--root"] and len(args) == 2:
        ROOT = Path(args[1]).resolve()
        HEADERS = ROOT / "include" / "aitrail"
    elif args:
        print("usage: check_layers.py [--root DIR]", file=sys.stderr)
        return 2
    if not HEADERS.is_dir():
        print(f"error: {HEADERS} not found", file=sys.stderr)
        return 2
    headers = sorted(HEADERS.rglob("*.hpp"))
    problems = [problem for header in headers for problem in check_header(header)]
    users = sorted(p for folder in USER_FOLDERS if (ROOT / folder).is_dir()
                   for p in (ROOT / folder).rglob("*") if p.suffix in SOURCE_SUFFIXES)
    problems += [problem for source in users for problem in check_user_source(source)]
    for problem in problems:
        print(problem)
    sys.stdout.flush()  # keep the list before the verdict when both go to one terminal
    if problems:
        print(f"{len(problems)} layering violation(s) in {len(headers)} headers",
              file=sys.stderr)
        return 1
    print(f"{len(headers)} headers follow the layer order; "
          f"{len(users)} tool, example and benchmark sources use public headers only")
    return 0


if __name__ == "__main__":
    sys.exit(main())
