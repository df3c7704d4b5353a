"""Attention masks of joint text + pose decoding."""
import torch

from core.model.masks import allowed_attention, to_additive_mask


def test_pose_queries_see_all_text_and_each_other_while_text_never_sees_them():
    # 10 positions: 0-5 text (prefix, prompt, reasoning), 6-9 the query block <spq> <pq> <pq> <epq>
    allowed = allowed_attention([10], [(6, 10)], 10)[0]
    for query in range(6, 10):
        assert allowed[query, :10].all(), f"query {query} must see every text position and every query"
    for text in range(6):
        assert not allowed[text, 6:].any(), f"text position {text} must not see the pose queries"
        assert allowed[text, :text + 1].all() and not allowed[text, text + 1:6].any(), "text attention is causal"


def test_padding_is_never_attended_and_rows_stay_finite():
    allowed = allowed_attention([5, 8], [(2, 5), None], 8)
    assert not allowed[0, :5, 5:].any(), "real positions must not see padding"
    assert not allowed[1].triu(1).any(), "a row without a query block is purely causal"
    mask = to_additive_mask(allowed)
    assert mask.shape == (2, 1, 8, 8)
    assert torch.isfinite(mask).any(dim=-1).all(), "every row keeps at least one attendable position"
    assert set(mask.unique().tolist()) == {0.0, float("-inf")}
