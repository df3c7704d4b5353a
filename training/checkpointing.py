"""Resumable trainer state: optimizer, scheduler, step and random generators next to the model weights."""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import torch

STATE_NAME = "trainer_state.pt"


def seed_everything(seed: int) -> torch.Generator:
    """Seed python, numpy and torch; returns a torch generator for data sampling."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def save_trainer_state(directory: Path, step: int, optimizer, scheduler, generator: torch.Generator, **extra) -> None:
    """Write trainer_state.pt (atomically: a temp file renamed into place)."""
    directory.mkdir(parents=True, exist_ok=True)
    state = {"step": step, "optimizer": optimizer.state_dict(),
             "scheduler": None if scheduler is None else scheduler.state_dict(),
             "generator": generator.get_state(), "torch_rng": torch.get_rng_state(), "extra": extra}
    tmp = directory / (STATE_NAME + ".tmp")
    torch.save(state, tmp)
    tmp.replace(directory / STATE_NAME)


def load_trainer_state(directory: Path, optimizer, scheduler, generator: torch.Generator) -> tuple[int, dict]:
    """Restore state saved by :func:`save_trainer_state`; returns (step, extra). (0, {}) when there is none."""
    path = directory / STATE_NAME
    if not path.is_file():
        return 0, {}
    state = torch.load(path, weights_only=False)
    optimizer.load_state_dict(state["optimizer"])
    if scheduler is not None and state["scheduler"] is not None:
        scheduler.load_state_dict(state["scheduler"])
    generator.set_state(state["generator"])
    torch.set_rng_state(state["torch_rng"])
    return int(state["step"]), state["extra"]
