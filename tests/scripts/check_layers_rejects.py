#!/usr/bin/env python3
"""scripts/check_layers.py refuses each kind of violation it promises to catch.

Builds a small tree with one clean header per rule and one planted violation
per rule, runs the checker on it with --root, and expects exit status 1 and one
`file:line:` report naming each planted file, and nothing about the clean ones.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT / "scripts" / "check_layers.py"

CLEAN = {
    "include/aitrail/config.hpp": "#pragma once\n",
    "include/aitrail/detail/hex.hpp": "#pragma once\n#include <aitrail/config.hpp>\n",
    "include/aitrail/detail/openssl.hpp": "#pragma once\n#include <openssl/evp.h>\n",
    "include/aitrail/detail/storage/posix.hpp": "#pragma once\n#include <aitrail/record/a.hpp>\n",
    "include/aitrail/record/a.hpp": "#pragma once\n#include <aitrail/detail/hex.hpp>\n",
    "include/aitrail/storage/b.hpp": "#pragma once\n#include <aitrail/detail/storage/posix.hpp>\n",
    "tools/aitrail/ok.cpp": "#include <aitrail/record/a.hpp>\nint f() { return aitrail::detailed(); }\n",
}

# planted file -> the words its report must contain
PLANTED = {
    # a lower layer includes a higher one
    "include/aitrail/record/up.hpp": ("#pragma once\n#include <aitrail/storage/b.hpp>\n",
                                      "layer storage"),
    # a toolbox header pulls in a public type
    "include/aitrail/detail/leak.hpp": ("#pragma once\n#include <aitrail/record/a.hpp>\n",
                                        "layer record"),
    # a layer's internals include a higher layer's internals
    "include/aitrail/detail/record/x.hpp": ("#pragma once\n#include <aitrail/detail/storage/posix.hpp>\n",
                                            "layer storage"),
    # a file in detail/ that is neither toolbox nor in a layer's folder
    "include/aitrail/detail/nowhere/y.hpp": ("#pragma once\n", "belongs to no layer"),
    # a third-party header outside its gate
    "include/aitrail/storage/ssl.hpp": ("#pragma once\n#include <openssl/sha.h>\n",
                                        "only aitrail/detail/openssl.hpp"),
    # the tool, an example, a benchmark reaching into detail/
    "tools/aitrail/bad.cpp": ("#include <aitrail/detail/hex.hpp>\n", "public headers only"),
    "examples/bad.cpp": ("int g() { return aitrail::detail::h(); }\n", "public API only"),
    "benchmarks/bad.cpp": ("#include \"aitrail/detail/hex.hpp\"\n", "public headers only"),
}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, text in CLEAN.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)

        clean = subprocess.run([sys.executable, str(CHECKER), "--root", tmp],
                               capture_output=True, text=True)
        if clean.returncode != 0:
            print(f"clean tree rejected (exit {clean.returncode}):\n{clean.stdout}{clean.stderr}")
            return 1

        for name, (text, _) in PLANTED.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        run = subprocess.run([sys.executable, str(CHECKER), "--root", tmp],
                             capture_output=True, text=True)
        failures = []
        if run.returncode != 1:
            failures.append(f"exit status {run.returncode}, expected 1")
        reports = run.stdout.splitlines()
        for name, (_, words) in PLANTED.items():
            if not any(line.startswith(name + ":") and words in line for line in reports):
                failures.append(f"no report for {name} mentioning {words!r}")
        for name in CLEAN:
            if any(line.startswith(name + ":") for line in reports):
                failures.append(f"clean file {name} reported")
        if failures:
            print("\n".join(failures))
            print("checker output:\n" + run.stdout + run.stderr)
            return 1
    print(f"check_layers.py rejected all {len(PLANTED)} planted violations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
