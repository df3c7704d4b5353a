"""The reasoning model: sequences, loss terms, one-step pose decoding, save/load, LoRA merge."""
import pytest
import torch
from transformers import LlamaConfig, LlamaForCausalLM

from core.model.config import CoTPoseConfig
from core.model.reasoning import CoTPoseModel
from core.model.sequences import IGNORE, Example, build_sequence, collate
from core.model.vocab import train_text_tokenizer
from core.tokenizer import PoseTokenizer, PoseTokenizerConfig

K, N = 4, 16
TEXTS = ["To wave, the person raises the right arm above the head.",
         "The left knee is bent at a right angle and the torso leans forward.",
         "generate the pose of waving hello", "both hands are close together in front of the chest"]


@pytest.fixture(scope="module")
def model() -> CoTPoseModel:
    torch.manual_seed(0)
    tokenizer = train_text_tokenizer(TEXTS * 5, vocab_size=300, codebook_size=N)
    llm = LlamaForCausalLM(LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64,
                                       num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=2,
                                       max_position_embeddings=256, tie_word_embeddings=True,
                                       pad_token_id=tokenizer.pad_token_id, bos_token_id=None, eos_token_id=None))
    pose_tok = PoseTokenizer(PoseTokenizerConfig(num_tokens=K, codebook_size=N, code_dim=4, hidden_size=16,
                                                 num_layers=1))
    config = CoTPoseConfig(prefix_tokens=2, num_pose_tokens=K, codebook_size=N, max_text_tokens=12)
    return CoTPoseModel(config, llm, tokenizer, pose_tok).eval()


def batch_of(model, examples):
    prefix = torch.randn(len(examples), 384, generator=torch.Generator().manual_seed(1))
    return collate(examples, prefix, model.tokenizer, model.ids, K, model.config.prefix_tokens,
                   model.config.max_text_tokens)


def test_cot_sequence_supervises_reasoning_and_eot_only(model):
    ids = model.ids
    seq, targets, queries, block = build_sequence(Example("cot", "waving hello", TEXTS[0], (1, 2, 3, 4)),
                                                  model.tokenizer, ids, K, 12)
    sep = seq.index(ids.sep)
    eot = seq.index(ids.eot)
    supervised = [i for i, t in enumerate(targets) if t != IGNORE]
    assert supervised == list(range(sep, eot)), "targets run from <sep> (predicting word 1) to the last word"
    assert [targets[i] for i in supervised] == seq[sep + 1:eot + 1]
    assert seq[block[0]] == ids.spq and seq[block[1] - 1] == ids.epq
    assert [seq[q] for q in queries] == [ids.pq] * K and block[1] - block[0] == K + 2
    direct = build_sequence(Example("direct", "waving hello", "", (1, 2, 3, 4), text_loss=False),
                            model.tokenizer, ids, K, 12)
    assert all(t == IGNORE for t in direct[1]) and ids.eot not in direct[0]


def test_loss_terms_follow_the_task_and_flags(model):
    codes = (3, 1, 4, 1)
    both = model(batch_of(model, [Example("cot", "waving hello", TEXTS[0], codes)]))
    assert both["loss_text"] > 0 and both["loss_pose"] > 0
    assert torch.allclose(both["loss"], both["loss_text"] + both["loss_pose"])
    pose_only = model(batch_of(model, [Example("direct", "waving hello", "", codes, text_loss=False)]))
    assert pose_only["loss_text"] == 0 and pose_only["loss_pose"] > 0
    text_only = model(batch_of(model, [Example("cot", "waving hello", TEXTS[0], codes, pose_loss=False)]))
    assert text_only["loss_pose"] == 0 and text_only["loss_text"] > 0
    p2t = model(batch_of(model, [Example("p2t", "", TEXTS[1], codes)]))
    assert p2t["loss_pose"] == 0 and p2t["loss_text"] > 0
    # the pose loss is the cross-entropy over the codebook at the query positions (uniform logits -> log N)
    weighted = model(batch_of(model, [Example("cot", "waving hello", TEXTS[0], codes)]), text_weight=0.0)
    assert torch.allclose(weighted["loss"], weighted["loss_pose"])


def test_pose_queries_are_bidirectional_and_invisible_to_text(model):
    batch = batch_of(model, [Example("cot", "waving hello", TEXTS[0], (1, 2, 3, 4))])
    embeds = model.embed(batch["input_ids"], batch["prefix"])
    mask = batch["attention_mask"]
    positions = batch["pose_positions"][0]
    base = model.llm(inputs_embeds=embeds, attention_mask=mask).logits
    changed = embeds.clone()
    changed[0, positions[-1]] += 1.0  # perturb the last pose query
    out = model.llm(inputs_embeds=changed, attention_mask=mask).logits
    assert not torch.allclose(out[0, positions[0]], base[0, positions[0]]), "first query must see the last one"
    text_end = int(positions[0]) - 1  # <spq>: everything before it is text
    assert torch.allclose(out[0, :text_end], base[0, :text_end]), "text must not see the pose queries"


def test_cached_streaming_matches_the_training_forward(model):
    prefix = torch.randn(384, generator=torch.Generator().manual_seed(2))
    events = list(model.stream("waving hello", prefix, reasoning=True, temperature=0.0))
    text = "".join(v for k, v in events if k == "text")
    probs = events[-1][1]
    assert events[-1][0] == "codes" and probs.shape == (K, N)
    assert torch.allclose(probs.sum(-1), torch.ones(K), atol=1e-5)
    # re-run the same sequence through the training path (full mask, no cache): same pose-code distribution
    with torch.no_grad():
        assert torch.allclose(probs, _training_path_codes(model, "waving hello", text, prefix), atol=1e-4)


def _training_path_codes(model, prompt, text, prefix):
    batch = collate([Example("cot", prompt, text, (0,) * K)], prefix.unsqueeze(0), model.tokenizer, model.ids, K,
                    model.config.prefix_tokens, model.config.max_text_tokens)
    logits = model.llm(inputs_embeds=model.embed(batch["input_ids"], batch["prefix"]),
                       attention_mask=batch["attention_mask"]).logits
    return torch.softmax(model.code_logits(logits, batch["pose_positions"])[0], -1)


def test_self_consistency_shows_the_greedy_reasoning_and_pools_every_reasonings_codes(model):
    prefix = torch.randn(384, generator=torch.Generator().manual_seed(4))

    def run(seed, shown_weight=None):
        return list(model.stream("waving hello", prefix, reasoning=True, temperature=1.5, samples=3,
                                 generator=torch.Generator().manual_seed(seed), shown_weight=shown_weight))

    events = run(7)
    kinds = [k for k, _ in events]
    assert kinds[-2:] == ["reasonings", "codes"] and set(kinds[:-2]) <= {"text"}
    texts, probs = events[-2][1], events[-1][1]
    assert len(texts) == 3 and len(set(texts)) > 1, "three different reasonings at a high temperature"
    assert "".join(v for k, v in events if k == "text").strip() == texts[0], "the first reasoning is the one streamed"
    with torch.no_grad():
        each = torch.stack([_training_path_codes(model, "waving hello", t, prefix) for t in texts])
    assert torch.allclose(probs, each.mean(0), atol=1e-4), "no shown_weight: every reasoning counts the same"
    weighted = run(7, shown_weight=0.6)
    assert weighted[-2][1] == texts, "the weight changes the pooling, not the reasonings"
    assert torch.allclose(weighted[-1][1], 0.6 * each[0] + 0.4 * each[1:].mean(0), atol=1e-4)
    assert torch.allclose(run(7, shown_weight=1.0)[-1][1], each[0], atol=1e-4), "weight 1: the shown one's pose"
    assert torch.equal(run(7)[-1][1], probs), "the same seed gives the same result"
    greedy = list(model.stream("waving hello", prefix, temperature=0.0, samples=3))
    assert len(greedy[-2][1]) == 1, "temperature 0 writes one greedy reasoning whatever samples says"
    assert texts[0] == greedy[-2][1][0], "the shown reasoning is the greedy one"
    with pytest.raises(ValueError, match="samples"):
        next(model.stream("waving hello", prefix, samples=0))
    with pytest.raises(ValueError, match="shown_weight"):
        next(model.stream("waving hello", prefix, samples=3, shown_weight=1.5))


def test_save_load_round_trip(model, tmp_path):
    model.save_pretrained(tmp_path)
    loaded = CoTPoseModel.from_pretrained(tmp_path)
    batch = batch_of(model, [Example("cot", "waving hello", TEXTS[0], (1, 2, 3, 4))])
    with torch.no_grad():
        assert torch.allclose(loaded(batch)["loss"], model(batch)["loss"], atol=1e-5)
    assert loaded.ids == model.ids


def test_lora_adapter_merges_into_identical_weights(model, tmp_path):
    from peft import LoraConfig, get_peft_model

    model.save_pretrained(tmp_path / "base")
    tuned = CoTPoseModel.from_pretrained(tmp_path / "base")
    tuned.llm = get_peft_model(tuned.llm, LoraConfig(r=8, lora_alpha=16, lora_dropout=0.0, target_modules=[
        "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]))
    with torch.no_grad():
        for name, p in tuned.llm.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.05)  # a trained-looking adapter
    tuned.eval()
    batch = batch_of(model, [Example("cot", "waving hello", TEXTS[0], (1, 2, 3, 4))])
    with torch.no_grad():
        with_adapter = tuned(batch)["loss"]
        assert not torch.allclose(with_adapter, model(batch)["loss"]), "the adapter must change the model"
        tuned.config.base_llm = str(tmp_path / "base" / "llm")
        tuned.save_pretrained(tmp_path / "adapter", adapter_only=True)
        from_adapter = CoTPoseModel.from_pretrained(tmp_path / "adapter")(batch)["loss"]
        tuned.llm = tuned.llm.merge_and_unload()
        merged = tuned(batch)["loss"]
    assert torch.allclose(merged, with_adapter, atol=1e-5)
    assert torch.allclose(from_adapter, with_adapter, atol=1e-5)


def test_mismatched_pose_tokenizer_is_rejected(model):
    other = PoseTokenizer(PoseTokenizerConfig(num_tokens=K + 1, codebook_size=N, code_dim=4, hidden_size=16,
                                              num_layers=1))
    with pytest.raises(ValueError, match="pose tokenizer has K=5"):
        CoTPoseModel(model.config, model.llm, model.tokenizer, other)
