"""One-time set-up: build the Anny body model cache (about a minute the first time, ~1 s afterwards).

Run ``python -m core.setup``; it is idempotent. The cache goes to ``$ANNY_CACHE_DIR`` (default
~/.cache/cotpose/anny).
"""
from __future__ import annotations

import argparse
import time

from rich.console import Console

from core.body.anny_model import anny_cache_dir, anny_cache_ready
from core.body.loader import load_body_model


def warm_anny_cache(console: Console | None = None) -> float:
    """Build (or load) the Anny model and its rig; returns the seconds it took."""
    console = console or Console()
    start = time.perf_counter()
    if anny_cache_ready():
        console.print(f"Anny body model cache found in {anny_cache_dir()}; loading it.")
        load_body_model("anny")
    else:
        with console.status(f"Building the Anny body model cache in {anny_cache_dir()} "
                            "(first time only, about a minute)..."):
            load_body_model("anny")
    seconds = time.perf_counter() - start
    console.print(f"Anny body model ready ({seconds:.1f} s).")
    return seconds


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    warm_anny_cache()


if __name__ == "__main__":
    main()
