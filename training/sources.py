"""Choose the training triplets: a dataset export when configured, else the seed library via offline synthesis."""
from __future__ import annotations

from training.config import TrainingConfig
from training.data import Sample, load_export


def load_samples(config: TrainingConfig) -> list[Sample]:
    """Samples of the configured source (see :class:`training.config.DataConfig`)."""
    if config.data.export:
        return load_export(config.data.export)
    from training.seed_source import seed_library_samples

    return seed_library_samples(config.data, config.seed, config.run_path)
