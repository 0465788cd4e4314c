"""Running one call's parts side by side: a batch fetch's chunks (``GatewayClient.fetch_tasks``)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any


def in_order(work: Callable[[Any], Any], items: list[Any], in_flight: int) -> list[Any]:
    """``work`` of every item, at most ``in_flight`` at once, results in the items' order. Items
    start in order and none starts after one has failed; once the started ones end, the earliest
    item's error is raised (every item before it was started, so none is left unsent)."""
    if len(items) <= 1:  # the usual case (one page's table): no thread
        return [work(item) for item in items]
    results: list[Any] = [None] * len(items)
    failures: dict[int, BaseException] = {}
    running: dict[Future[Any], int] = {}
    queued = list(enumerate(items))[::-1]
    with ThreadPoolExecutor(max_workers=min(in_flight, len(items)), thread_name_prefix="gateway-batch") as pool:
        while queued or running:
            while queued and len(running) < in_flight and not failures:
                index, item = queued.pop()
                running[pool.submit(work, item)] = index
            if not running:  # a failure stopped the queue and the started items have ended
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                index = running.pop(future)
                if (error := future.exception()) is None:
                    results[index] = future.result()
                else:
                    failures[index] = error
    if failures:
        raise failures[min(failures)]
    return results
