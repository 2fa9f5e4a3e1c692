"""A progress hook the flows call and the CLI renders (no-op unless the CLI installs one)."""

from __future__ import annotations

from typing import Protocol


class ProgressHook(Protocol):
    def add(self, steps: int) -> None: ...

    def advance(self, description: str) -> None: ...


class Silent:
    def add(self, steps: int) -> None:
        return None

    def advance(self, description: str) -> None:
        return None


_hook: ProgressHook = Silent()


def install(hook: ProgressHook | None) -> None:
    global _hook
    _hook = hook or Silent()


def current() -> ProgressHook:
    return _hook
