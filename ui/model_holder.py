"""The Demo tab's current model, swappable at run time ("activate" in the Train tab) without a restart."""
from __future__ import annotations

import threading
from pathlib import Path


class ModelHolder:
    """Loads a :class:`core.generate.Generator` on first use and replaces it atomically on :meth:`activate`.

    Requests already running keep the generator they started with; the next request sees the new one.
    """

    def __init__(self, checkpoint: Path | None = None) -> None:
        self._checkpoint = checkpoint
        self._generator = None
        self._lock = threading.Lock()

    @property
    def checkpoint(self) -> Path | None:
        """Directory of the active checkpoint (None: the shipped demo checkpoint)."""
        return self._checkpoint

    def get(self):
        """The active generator, loading it if needed."""
        with self._lock:
            if self._generator is None:
                from core.generate import load_generator

                self._generator = load_generator(self._checkpoint)
            return self._generator

    def warm_up(self) -> None:
        """Load the model now (run in a background thread at start-up) and log, not raise, a failure."""
        import logging

        try:
            self.get()
        except Exception:  # the first request will raise the same error with its message shown to the user
            logging.getLogger("cotpose.app").exception("could not load the Demo model")

    def activate(self, checkpoint: Path) -> None:
        """Load ``checkpoint`` and make it the active model; the old one stays active if loading fails."""
        from core.generate import load_generator

        generator = load_generator(checkpoint)  # outside the lock: requests keep running meanwhile
        with self._lock:
            self._generator = generator
            self._checkpoint = checkpoint
