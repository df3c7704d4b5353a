"""The Pose type: construction from assorted shapes, validation errors, batching helpers."""
import math

import pytest
import torch

from core.pose import Pose, PoseError


def test_from_params_accepts_unbatched_flat_and_per_joint_forms():
    flat = Pose.from_params([0.1, 0.2, 0.3], list(range(69)))
    per_joint = Pose.from_params(torch.tensor([0.1, 0.2, 0.3]), torch.arange(69.0).reshape(23, 3))
    batched = Pose.from_params(torch.zeros(4, 3), torch.zeros(4, 69), transl=torch.zeros(4, 3), betas=torch.zeros(4, 10))
    assert flat.batch_size == per_joint.batch_size == 1 and batched.batch_size == 4
    torch.testing.assert_close(flat.body_pose, per_joint.body_pose)
    assert flat.body_pose[0, 1].tolist() == [3.0, 4.0, 5.0]
    assert flat.full.shape == (1, 24, 3) and flat.full[0, 0].tolist() == pytest.approx([0.1, 0.2, 0.3])


@pytest.mark.parametrize("args, message", [
    (([0.0, 0.0], [0.0] * 69), "global_orient must have shape"),
    (([0.0] * 3, [0.0] * 68), "69 values per pose"),
    (([0.0] * 3, [[0.0] * 3] * 22), "69 values per pose"),
    ((torch.zeros(2, 3), torch.zeros(3, 69)), r"body_pose must have shape \(2, 23, 3\)"),
    (([math.nan, 0.0, 0.0], [0.0] * 69), r"global_orient: contains NaN .*index \[0\]"),
    (([0.0] * 3, [0.0] * 68 + [math.inf]), "body_pose: contains NaN or infinite"),
    (([0.0] * 3, "not numbers"), "body_pose: cannot be read"),
])
def test_bad_parameters_raise_pose_error_naming_the_field(args, message):
    with pytest.raises(PoseError, match=message):
        Pose.from_params(*args)


def test_transl_and_betas_are_validated():
    with pytest.raises(PoseError, match=r"transl must have shape \(1, 3\)"):
        Pose.from_params([0.0] * 3, [0.0] * 69, transl=[0.0, 1.0])
    with pytest.raises(PoseError, match="betas"):
        Pose.from_params(torch.zeros(2, 3), torch.zeros(2, 69), betas=torch.zeros(3, 10))


def test_from_full_round_trips_and_rejects_wrong_sizes():
    full = torch.randn(5, 24, 3)
    pose = Pose.from_full(full)
    torch.testing.assert_close(pose.full, full)
    torch.testing.assert_close(Pose.from_full(full.reshape(5, 72)).full, full)
    with pytest.raises(PoseError, match=r"\(B, 24, 3\) or \(B, 72\)"):
        Pose.from_full(torch.zeros(5, 69))


def test_indexing_slicing_cat_and_to():
    pose = Pose.from_params(torch.arange(12.0).reshape(4, 3), torch.zeros(4, 69), transl=torch.ones(4, 3))
    assert pose[-1].global_orient.tolist() == [[9.0, 10.0, 11.0]]
    assert pose[1:3].batch_size == 2 and len(pose[0]) == 1
    joined = Pose.cat([pose, pose[:1]])
    assert joined.batch_size == 5 and joined.transl.shape == (5, 3)
    assert Pose.cat([pose, Pose.zeros(1)]).transl is None
    assert pose.to(torch.float64).body_pose.dtype == torch.float64
    assert pose.with_transl(None).transl is None and pose.transl is not None
