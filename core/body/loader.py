"""Choosing and caching a body model by name."""
from __future__ import annotations

import os
from functools import lru_cache

from core.body.base import BodyModel, BodyModelError

BODY_MODEL_ENV = "COTPOSE_BODY_MODEL"
DEFAULT_BODY_MODEL = "anny"
BODY_MODELS = ("anny", "smpl")


def _freeze(value):
    return tuple(sorted((k, _freeze(v)) for k, v in value.items())) if isinstance(value, dict) else value


def load_body_model(name: str | None = None, **opts) -> BodyModel:
    """The body model ``name`` (else ``$COTPOSE_BODY_MODEL``, else "anny"), built once per process per options.

    anny options: ``phenotype`` (dict of Anny phenotype values in [0, 1]).
    smpl options: ``model_dir`` (else ``$COTPOSE_SMPL_DIR``), ``gender`` ("neutral", "male", "female").
    """
    name = (name or os.environ.get(BODY_MODEL_ENV) or DEFAULT_BODY_MODEL).strip().lower()
    if name not in BODY_MODELS:
        raise BodyModelError(f"unknown body model {name!r}; choose one of {', '.join(BODY_MODELS)}")
    if name == "smpl":
        from core.body.smpl_model import resolve_smpl_file

        opts = {"model_file": str(resolve_smpl_file(opts.pop("model_dir", None), opts.pop("gender", "neutral"))), **opts}
    return _cached(name, _freeze(opts))


@lru_cache(maxsize=8)
def _cached(name: str, frozen_opts: tuple) -> BodyModel:
    opts = {k: dict(v) if isinstance(v, tuple) else v for k, v in frozen_opts}
    if name == "anny":
        from core.body.anny_model import AnnyBody

        return AnnyBody(**opts)
    from core.body.smpl_model import SmplBody

    return SmplBody(**opts)
