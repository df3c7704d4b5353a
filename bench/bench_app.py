"""App start-up time and Demo latency under concurrent visitors.

    python bench/bench_app.py [--clients 5] [--requests 4] [--concurrency 1]

Starts the real app (``python app.py``) on a free port with a temporary data dir and prints: time until the page
is served, time until the first generation finished (model loaded), and the latency p50/p95 of the Demo's
``/generate`` endpoint while ``--clients`` gradio_client clients each send ``--requests`` prompts at once.
Latency includes queueing: with ``--concurrency 1`` (the default app setting) requests wait for each other.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gradio_client import Client  # noqa: E402

from bench.timing import percentile  # noqa: E402
from core.generate import DEFAULT_SAMPLES, DEFAULT_TEMPERATURE, DEFAULT_TOP_P  # noqa: E402
from ui.app_process import AppProcess  # noqa: E402
from ui.demo_tab import EXAMPLES  # noqa: E402


def generate(client: Client, prompt: str, seed: int) -> float:
    """One Demo request (streamed to the end); returns its latency in seconds."""
    start = time.perf_counter()
    client.predict(prompt, seed, DEFAULT_TEMPERATURE, DEFAULT_TOP_P, DEFAULT_SAMPLES, False, api_name="/generate")
    return time.perf_counter() - start


def visitor(url: str, index: int, requests: int) -> list[float]:
    """One visitor sending ``requests`` prompts one after another."""
    client = Client(url, verbose=False)
    return [generate(client, EXAMPLES[(index + r) % len(EXAMPLES)], index * 100 + r) for r in range(requests)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=5, help="concurrent visitors (default: %(default)s)")
    parser.add_argument("--requests", type=int, default=4, help="prompts per visitor (default: %(default)s)")
    parser.add_argument("--concurrency", type=int, default=1, help="app --concurrency (default: %(default)s)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        app = AppProcess(Path(tmp) / "data", args=["--concurrency", str(args.concurrency)])
        with app:
            print(f"start-up (process start -> page served): {app.startup_s:.2f} s")
            first = generate(Client(app.url, verbose=False), EXAMPLES[0], 0)
            print(f"first generation after start-up (includes any model loading left): {first:.2f} s")
            begin = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.clients) as pool:
                per_visitor = list(pool.map(lambda c: visitor(app.url, c, args.requests), range(args.clients)))
            wall = time.perf_counter() - begin
            latencies = [latency for visits in per_visitor for latency in visits]
    print(f"demo /generate with {args.clients} concurrent clients x {args.requests} requests "
          f"(app concurrency {args.concurrency}):")
    print(f"  latency p50 {percentile(latencies, 0.5):.2f} s  p95 {percentile(latencies, 0.95):.2f} s  "
          f"mean {statistics.mean(latencies):.2f} s  max {max(latencies):.2f} s")
    print(f"  throughput {len(latencies) / wall:.2f} requests/s over {wall:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
