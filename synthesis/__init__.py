"""Data synthesis: abstract prompt -> image -> 3D pose -> detailed prompt -> refined prompt, as pending triplets.

Run ``python -m synthesis run --config synthesis/configs/offline.yaml``; see :mod:`synthesis.pipeline` for the
stage order and :mod:`synthesis.output` for the output directory format the store imports.
"""
