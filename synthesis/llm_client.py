"""A small client for OpenAI-compatible chat-completions APIs: retries with backoff, timeouts, 429 handling.

Settings come from the environment: ``COTPOSE_LLM_BASE_URL`` (e.g. ``https://api.openai.com/v1`` or a local
vLLM/Ollama server), ``COTPOSE_LLM_MODEL`` and ``COTPOSE_LLM_API_KEY`` (optional for local servers).
"""
from __future__ import annotations

import base64
import email.utils
import os
import time
from dataclasses import dataclass
from typing import Any, Callable

import httpx

ENV_BASE_URL = "COTPOSE_LLM_BASE_URL"
ENV_MODEL = "COTPOSE_LLM_MODEL"
ENV_API_KEY = "COTPOSE_LLM_API_KEY"
RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504}


class LLMError(RuntimeError):
    """The chat API failed for good (bad request, auth, or retries used up); the message says why."""


def image_data_url(png: bytes) -> str:
    """A ``data:image/png;base64,...`` URL for sending an image inline."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _retry_after_seconds(response: httpx.Response) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), if any."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return None if parsed is None else max(0.0, parsed.timestamp() - time.time())


@dataclass
class ChatClient:
    """POSTs ``{base_url}/chat/completions`` and returns the first choice's message text."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout_s: float = 60.0
    max_retries: int = 4
    backoff_s: float = 1.0
    max_backoff_s: float = 30.0
    sleep: Callable[[float], None] = time.sleep

    @classmethod
    def from_env(cls, **overrides: Any) -> "ChatClient":
        """Build from COTPOSE_LLM_* variables; keyword overrides (e.g. from a config) win."""
        base_url = overrides.pop("base_url", None) or os.environ.get(ENV_BASE_URL)
        model = overrides.pop("model", None) or os.environ.get(ENV_MODEL)
        if not base_url or not model:
            raise LLMError(f"set {ENV_BASE_URL} and {ENV_MODEL} (or base_url/model in the config) to use the LLM")
        return cls(base_url=base_url.rstrip("/"), model=model, api_key=os.environ.get(ENV_API_KEY), **overrides)

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    def chat(self, messages: list[dict[str, Any]], temperature: float = 0.2, max_tokens: int = 400) -> str:
        """Send one conversation; retry timeouts, connection errors, 429 and 5xx with exponential backoff."""
        payload = {"model": self.model, "messages": messages, "temperature": temperature, "max_tokens": max_tokens}
        url = f"{self.base_url}/chat/completions"
        last_problem = "no attempt made"
        with httpx.Client(timeout=self.timeout_s) as http:
            for attempt in range(self.max_retries + 1):
                wait = min(self.max_backoff_s, self.backoff_s * 2 ** attempt)
                try:
                    response = http.post(url, json=payload, headers=self._headers())
                except (httpx.TimeoutException, httpx.TransportError) as exc:
                    last_problem = f"{type(exc).__name__}: {exc}"
                else:
                    if response.status_code == 200:
                        return self._content(response)
                    last_problem = f"HTTP {response.status_code}: {response.text[:200]}"
                    if response.status_code not in RETRYABLE_STATUS:
                        raise LLMError(f"{url}: {last_problem}")
                    retry_after = _retry_after_seconds(response)
                    if retry_after is not None:
                        wait = min(self.max_backoff_s, retry_after)
                if attempt < self.max_retries:
                    self.sleep(wait)
        raise LLMError(f"{url}: gave up after {self.max_retries + 1} attempts; last: {last_problem}")

    @staticmethod
    def _content(response: httpx.Response) -> str:
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"unexpected chat-completions response: {response.text[:200]}") from exc
        if not isinstance(content, str) or not content.strip():
            raise LLMError("the chat-completions response has an empty message")
        return content.strip()
