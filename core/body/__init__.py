"""Body models driven by SMPL poses: ``load_body_model(name)`` -> :class:`BodyModel` ("anny" default, "smpl")."""
from core.body.base import BodyModel, BodyModelError, BodyOutput
from core.body.loader import BODY_MODEL_ENV, DEFAULT_BODY_MODEL, load_body_model

__all__ = ["BodyModel", "BodyModelError", "BodyOutput", "BODY_MODEL_ENV", "DEFAULT_BODY_MODEL", "load_body_model"]
