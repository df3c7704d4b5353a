"""Training of the CoT-Pose model: pose tokenizer, multi-task pretraining, CoT LoRA fine-tuning, evaluation.

Run ``python -m training --help``.
"""
