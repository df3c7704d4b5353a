"""Pose tokenizer runtime: a VQ-VAE that turns an SMPL body pose into K discrete codes and back."""
from core.tokenizer.config import PoseTokenizerConfig
from core.tokenizer.features import pose_to_sixd, sixd_to_pose
from core.tokenizer.model import PoseTokenizer

__all__ = ["PoseTokenizer", "PoseTokenizerConfig", "pose_to_sixd", "sixd_to_pose"]
