"""``python -m lib.sandbox --port 8765 [--provider sunoapi] [--state FILE]``: run the sandbox gateway
on its own, speaking one provider's dialect (newapi, the default, or one of ``PROVIDERS``)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from lib.sandbox import FEATURES, PROVIDERS, SandboxConfig, SandboxGateway


def main() -> None:
    parser = argparse.ArgumentParser(description="Offline Suno/Udio gateway with synthesized music")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--provider",
        default="newapi",
        metavar="NAME",
        help=f"whose routes, auth header and answers to speak: {', '.join(PROVIDERS)} (default newapi)",
    )
    parser.add_argument("--fast", action="store_true", help="tasks finish in about a second")
    parser.add_argument("--udio-dialect", choices=("nested", "flat"), default="nested")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every API call")
    parser.add_argument(
        "--state", type=Path, metavar="FILE", help="keep tasks in this JSON file so they survive a restart"
    )
    parser.add_argument(
        "--lack",
        default="",
        metavar="FEATURES",
        help=f"comma-separated features to answer like a gateway without them: {', '.join(FEATURES)}",
    )
    args = parser.parse_args()
    if args.provider not in PROVIDERS:
        parser.error(f"unknown provider {args.provider!r}: choose one of {', '.join(PROVIDERS)}")
    config = SandboxConfig.fast(provider=args.provider) if args.fast else SandboxConfig(provider=args.provider)
    config.udio_dialect, config.latency = args.udio_dialect, args.latency
    lacking = {name.strip() for name in args.lack.split(",") if name.strip()}
    if lacking - set(FEATURES):
        parser.error(f"unknown features: {', '.join(sorted(lacking - set(FEATURES)))}")
    config.offered = frozenset(config.offered) - lacking
    with SandboxGateway(config, host=args.host, port=args.port, state_path=args.state) as gateway:
        print(
            f"Sandbox gateway on {gateway.url} speaking {args.provider} (any non-empty key works; Ctrl+C stops it)",
            flush=True,
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
