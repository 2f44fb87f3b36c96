"""Ballot encryption in Chromium: the time to make one 14-option ballot with the committed bundle.

Loads static/js/isoloir-crypto.js into a blank page of Debian's Chromium (headless,
driven by Playwright), prepares a scrutin of 13 lists + blank, and times
``createBallot`` + ``ballotReference`` as the ballot page calls them at JE VOTE (the
parameters prepared once, as when the page loads). Prints the preparation time, the
first ballot of the page (cold, what a voter waits for), the median, p95 and max over
``--ballots`` warm runs, and the machine. Target: a 14-option ballot in at most 100 ms.

    make bench-js
    make bench-js BENCH_ARGS="--ballots 200 --options 14"
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ballots.crypto import group  # noqa: E402
from ballots.crypto.ballot import ScrutinParameters  # noqa: E402
from bench.cast import machine  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

TIMING = """([params, warmup, runs]) => {
  const C = IsoloirCrypto;
  const t0 = performance.now();
  const prepared = C.prepareParameters(params);
  const prepare = performance.now() - t0;
  const one = (i) => {
    const start = performance.now();
    const ballot = C.createBallot(prepared, params.options[i % params.options.length]);
    C.ballotReference(ballot);
    return performance.now() - start;
  };
  const first = one(0);  // what a voter waits for: one ballot on a freshly loaded page
  for (let i = 0; i < warmup; i++) one(i);
  const times = Array.from({length: runs}, (_, i) => one(i));
  const ballot = C.createBallot(prepared, "blank");
  const v0 = performance.now();
  C.verifyBallot(prepared, ballot);
  return {prepare, first, times, verify: performance.now() - v0, userAgent: navigator.userAgent};
}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=100)
    parser.add_argument("--options", type=int, default=14, help="lists + blank")
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    if args.options < 2 or args.ballots < 1:
        parser.error("at least 2 options and 1 ballot")

    from playwright.sync_api import sync_playwright

    params = ScrutinParameters.from_lists(
        election="6f1c2b7e-8d3a-4f5e-9b2c-0a1d2e3f4a5b",
        scrutin="csa-bench",
        list_ids=[f"liste-{i:02d}" for i in range(1, args.options)],
        public_key=group.base_mult(group.random_scalar()).hex(),
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.set_content("<!DOCTYPE html><title>bench</title>")
        page.add_script_tag(path=str(ROOT / "static" / "js" / "isoloir-crypto.js"))
        result = page.evaluate(TIMING, [params.as_json(), args.warmup, args.ballots])
        version = browser.version
        browser.close()

    times = sorted(result["times"])
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    print(f"machine: {machine()}")
    print(f"browser: Chromium {version} (headless), bundle static/js/isoloir-crypto.js")
    print(
        f"ballot: {args.options} options ({args.options - 1} lists + blank), {args.ballots} ballots after {args.warmup} warm-up"
    )
    print(f"prepare parameters (fingerprint, table for Y): {result['prepare']:.1f} ms, once per page")
    print(f"first ballot on a fresh page (cold, as a voter makes it): {result['first']:.1f} ms")
    print(
        f"create ballot + reference, warm: median {statistics.median(times):.1f} ms, "
        f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms (target: at most 100 ms)"
    )
    print(f"verify one ballot in the browser (not on the voting path): {result['verify']:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
