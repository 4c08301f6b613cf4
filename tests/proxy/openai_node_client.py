#!/usr/bin/env python3
"""The official `openai` npm client through `aitrail proxy`, end to end.

Installs the client from the npm registry (once, into --npm-dir), starts the
provider emulator and the proxy on loopback, runs tests/proxy/openai_client.cjs
against the proxy, stops the proxy with SIGTERM, and checks that:
- the client worked unchanged (answers, usage, the 429 it was sent);
- the trail verifies and holds one record per call with the right user, usage,
  usage_source, TTFT, cost and errors, and never the API key.

Exit status 0 on success; prints what failed otherwise. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True

OPENAI_VERSION = "6.30.1"  # pinned: the test must not change under us
API_KEY = "sk-node-proxy-secret-7f3a"


def fail(message: str) -> None:
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def install_client(npm_dir: Path) -> Path:
    module = npm_dir / "node_modules" / "openai"
    if (module / "package.json").exists() and json.loads((module / "package.json").read_text())["version"] == OPENAI_VERSION:
        return module
    npm_dir.mkdir(parents=True, exist_ok=True)
    cmd = ["npm", "install", "--prefix", str(npm_dir), "--no-audit", "--no-fund", "--no-save",
           f"openai@{OPENAI_VERSION}"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        fail(f"npm install openai@{OPENAI_VERSION} failed:\n{done.stdout}\n{done.stderr}")
    return module


def start(args: list[str]) -> tuple[subprocess.Popen, int]:
    """Starts a server that prints 'listening HOST:PORT'; returns it and the port."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    at = line.find("listening ")
    if at < 0:
        proc.kill()
        fail(f"{args[0]} did not start: {line!r}")
    port = int(line[at:].split()[1].split(":")[1])
    return proc, port


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--tool", required=True, help="the aitrail binary")
    p.add_argument("--emulator", required=True, help="the aitrail-emulator binary")
    p.add_argument("--npm-dir", required=True, type=Path, help="where the npm client is installed")
    p.add_argument("--work", required=True, type=Path, help="scratch directory (recreated)")
    p.add_argument("--client", required=True, type=Path, help="openai_client.cjs")
    a = p.parse_args()

    module = install_client(a.npm_dir)
    trail = a.work / "trail"
    subprocess.run(["rm", "-rf", str(a.work)], check=True)
    a.work.mkdir(parents=True)

    emulator, emulator_port = start([a.emulator, "--listen", "127.0.0.1:0"])
    try:
        proxy, proxy_port = start([a.tool, "proxy", "--listen", "127.0.0.1:0", "--upstream",
                                   f"http://127.0.0.1:{emulator_port}", "--trail", str(trail)])
        try:
            env = dict(os.environ, OPENAI_MODULE=str(module), OPENAI_API_KEY=API_KEY,
                       OPENAI_BASE_URL=f"http://127.0.0.1:{proxy_port}/v1")
            run = subprocess.run(["node", str(a.client)], capture_output=True, text=True, env=env, timeout=300)
            if run.returncode != 0:
                fail(f"the openai client failed:\n{run.stderr}")
            seen = json.loads(run.stdout)
        finally:
            proxy.send_signal(signal.SIGTERM)
            code = proxy.wait(timeout=60)
        if code != 0:
            fail(f"the proxy exited {code} on SIGTERM")
    finally:
        emulator.send_signal(signal.SIGTERM)
        emulator.wait(timeout=60)

    # What the client saw: the provider's answers, unchanged.
    expect = "Echo: hello from the node client"
    checks = [
        (seen["chat"]["content"] == expect, f"chat content {seen['chat']['content']!r}"),
        (seen["chat"]["usage"]["prompt_tokens"] == 5, f"chat usage {seen['chat']['usage']}"),
        (seen["chat_stream"]["content"] == expect, f"stream content {seen['chat_stream']}"),
        (seen["chat_stream"]["usage"] and seen["chat_stream"]["usage"]["completion_tokens"] == 6,
         f"stream usage {seen['chat_stream']}"),
        (seen["chat_stream"]["chunks"] >= 3, f"stream chunks {seen['chat_stream']}"),
        (seen["responses"]["output_text"] == "Echo: a responses call", f"responses {seen['responses']}"),
        (seen["responses_stream"]["output_text"] == "Echo: a streamed responses call",
         f"responses stream {seen['responses_stream']}"),
        (seen["rate_limited"]["status"] == 429, f"429 {seen['rate_limited']}"),
    ]
    for ok, what in checks:
        if not ok:
            fail(f"client saw {what}")

    verify = subprocess.run([a.tool, "verify", str(trail)], capture_output=True, text=True)
    if verify.returncode != 0:
        fail(f"aitrail verify: {verify.stdout}{verify.stderr}")

    records = {}
    for f in sorted(trail.glob("trail-*.jsonl")):
        for line in f.read_text().splitlines():
            if API_KEY in line or "node-proxy-secret" in line:
                fail(f"the API key reached the trail: {f}")
            entry = json.loads(line)
            tags = entry["rec"].get("tags", [])
            if tags:
                records[tags[0]] = entry

    def rec(tag: str) -> dict:
        if tag not in records:
            fail(f"no record tagged {tag}; have {sorted(records)}")
        return records[tag]["rec"]

    for tag in ("node-chat", "node-chat-stream", "node-responses", "node-responses-stream"):
        r = rec(tag)
        if r["user"] != "node-user" or r["status"] != "ok" or r["meta"]["usage_source"] != "provider":
            fail(f"{tag}: {json.dumps(r)}")
        if r["cost"]["nanos_usd"] is None and r["model"]["name"].startswith("gpt-4o"):
            fail(f"{tag}: no cost for a priced model: {json.dumps(r['cost'])}")
    if rec("node-chat")["usage"] != {"input_tokens": 5, "output_tokens": 6, "cache_read_tokens": 0, "reasoning_tokens": 0}:
        fail(f"node-chat usage {rec('node-chat')['usage']}")
    for tag in ("node-chat-stream", "node-responses-stream"):
        r = rec(tag)
        if not isinstance(r["meta"].get("ttft_us"), int) or r["meta"]["stream"] is not True:
            fail(f"{tag}: no time to first token: {json.dumps(r['meta'])}")
    r = rec("node-429")
    if r["status"] != "error" or r["meta"]["http_status"] != 429:
        fail(f"node-429: {json.dumps(r)}")
    r = rec("node-cutoff")
    if r["status"] != "error" or r["error"]["type"] != "transport.cut_off" or r["meta"]["usage_source"] == "provider":
        fail(f"node-cutoff: {json.dumps(r)}")
    print(f"OK openai@{OPENAI_VERSION} through the proxy: {len(records)} calls recorded; the trail verifies")


if __name__ == "__main__":
    main()
