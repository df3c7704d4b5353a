"""The pose VQ-VAE runtime: shapes, quantizer behaviour, save/load round trip, errors."""
import pytest
import torch

from core.pose import Pose
from core.tokenizer import PoseTokenizer, PoseTokenizerConfig, pose_to_sixd, sixd_to_pose
from core.tokenizer.quantizer import EMAQuantizer

SMALL = PoseTokenizerConfig(num_tokens=4, codebook_size=16, code_dim=8, hidden_size=32, num_layers=1)


def random_poses(n: int, seed: int = 0) -> Pose:
    g = torch.Generator().manual_seed(seed)
    full = torch.randn(n, 24, 3, generator=g) * 0.3
    full[:, 22:] = 0
    return Pose.from_full(full)


def test_sixd_round_trip_keeps_body_joints_and_zeroes_hands():
    pose = random_poses(3)
    back = sixd_to_pose(pose_to_sixd(pose))
    assert torch.allclose(back.full[:, :22], pose.full[:, :22], atol=1e-4)
    assert back.full[:, 22:].abs().max() == 0


def test_encode_decode_shapes_and_save_load_round_trip(tmp_path):
    model = PoseTokenizer(SMALL)
    model.train()
    model(pose_to_sixd(random_poses(32)))  # initialises the codebook from data
    model.eval()
    codes = model.encode(random_poses(5, seed=1))
    assert codes.shape == (5, 4) and codes.dtype == torch.long
    assert codes.min() >= 0 and codes.max() < 16
    model.save_pretrained(tmp_path)
    assert (tmp_path / "config.json").is_file() and (tmp_path / "model.safetensors").is_file()
    loaded = PoseTokenizer.from_pretrained(tmp_path)
    assert loaded.config == SMALL
    assert torch.equal(loaded.encode(random_poses(5, seed=1)), codes)
    assert torch.allclose(loaded.decode(codes).full, model.decode(codes).full)


def test_soft_decoding_of_one_hot_probabilities_equals_hard_decoding():
    model = PoseTokenizer(SMALL).eval()
    codes = torch.tensor([[1, 2, 3, 4]])
    onehot = torch.nn.functional.one_hot(codes, 16).float()
    assert torch.allclose(model.decode_soft(onehot).full, model.decode(codes).full, atol=1e-5)


def test_dead_codes_are_reset_onto_encoder_outputs():
    quantizer = EMAQuantizer(codebook_size=8, code_dim=2, decay=0.5, dead_threshold=0.1)
    quantizer.train()
    quantizer.initialized.fill_(True)  # keep the random codebook: only the reset may move the codes
    z = torch.tensor([[[5.0, 5.0]]]).expand(16, 1, 2)
    for _ in range(6):
        quantizer(z)
    # all vectors are identical, so every code that is not chosen dies and is moved onto that vector
    assert torch.allclose(quantizer.codebook, torch.tensor([5.0, 5.0]).expand(8, 2), atol=0.05)


def test_perplexity_counts_effectively_used_codes():
    assert EMAQuantizer.perplexity(torch.tensor([0, 1, 2, 3]), 8) == pytest.approx(4.0)
    assert EMAQuantizer.perplexity(torch.tensor([5, 5, 5]), 8) == pytest.approx(1.0)


def test_bad_inputs_name_the_problem(tmp_path):
    model = PoseTokenizer(SMALL).eval()
    with pytest.raises(ValueError, match="indices must be in"):
        model.decode(torch.tensor([[0, 1, 2, 99]]))
    with pytest.raises(ValueError, match=r"shape \(B, 4\)"):
        model.decode(torch.tensor([[0, 1]]))
    with pytest.raises(FileNotFoundError, match="not a pose tokenizer"):
        PoseTokenizer.from_pretrained(tmp_path)
    with pytest.raises(ValueError, match="code_dim"):
        PoseTokenizerConfig(code_dim=0)
