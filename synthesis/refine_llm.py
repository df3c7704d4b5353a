"""LLM refinement (the paper uses ChatGPT): action label + raw caption (+ image) -> refined reasoning text."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from synthesis.action_phrase import purpose_opening
from synthesis.llm_client import ChatClient, image_data_url

SYSTEM_PROMPT = (
    "You rewrite automatic descriptions of a 3D human pose into a short chain of thought for an action. "
    "Begin with 'To <action, as a verb>, the person' and explain, joint by joint, how the body is arranged to perform the "
    "action. Keep every statement of the description that is true of the pose; never contradict it (do not swap "
    "left and right, do not change bent/straight, above/below, sitting/lying). Fix statements that clearly "
    "misread the pose only when the image shows it. Answer with the rewritten text only, 3 to 6 sentences."
)


def build_messages(action: str, caption: str, facts: list[str], image_png: bytes | None) -> list[dict[str, Any]]:
    """The chat messages: instructions, then the action, the raw caption, the pose facts and the image."""
    lines = [f"Action: {action}", f"Raw description: {caption}"]
    if facts:
        lines.append("Facts measured on the 3D pose: " + "; ".join(facts))
    lines.append(f"Write the refined description, starting with '{purpose_opening(action)}, the person'.")
    content: list[dict[str, Any]] = [{"type": "text", "text": "\n".join(lines)}]
    if image_png is not None:
        content.append({"type": "image_url", "image_url": {"url": image_data_url(image_png)}})
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": content}]


@dataclass
class LLMRefiner:
    """Calls an OpenAI-compatible chat API (settings from COTPOSE_LLM_* or the options)."""

    base_url: str | None = None
    model: str | None = None
    temperature: float = 0.2
    max_tokens: int = 400
    timeout_s: float = 60.0
    max_retries: int = 4
    send_image: bool = True
    name: str = "llm"
    _client: ChatClient | None = field(default=None, init=False, repr=False)

    def client(self) -> ChatClient:
        if self._client is None:
            self._client = ChatClient.from_env(base_url=self.base_url, model=self.model, timeout_s=self.timeout_s,
                                               max_retries=self.max_retries)
        return self._client

    def refine(self, action: str, caption: str, facts: list[str], image_png: bytes | None, seed: int) -> str:
        messages = build_messages(action, caption, facts, image_png if self.send_image else None)
        return self.client().chat(messages, temperature=self.temperature, max_tokens=self.max_tokens)
