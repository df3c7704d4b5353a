"""The chat-completions client and LLM refiner against a real local HTTP server speaking the API.

A hosted LLM cannot run on this offline machine, so the server (tests/synthesis_chat_server.py) is a threaded
http.server implementing POST /v1/chat/completions; it fails on purpose to exercise retries and rate limits.
"""
import pytest
from synthesis_chat_server import ChatServer

from synthesis.llm_client import ChatClient, LLMError
from synthesis.refine_llm import LLMRefiner


@pytest.fixture(scope="module")
def server():
    chat_server = ChatServer()
    yield chat_server
    chat_server.httpd.shutdown()


@pytest.fixture
def sleeps():
    return []


def client_for(server, sleeps, **kwargs):
    return ChatClient(base_url=server.url, model="test-model", api_key="k-123", sleep=sleeps.append, **kwargs)


def test_refiner_sends_action_caption_and_image_and_reads_the_answer(server, monkeypatch):
    monkeypatch.setenv("COTPOSE_LLM_BASE_URL", server.url)
    monkeypatch.setenv("COTPOSE_LLM_MODEL", "test-model")
    monkeypatch.setenv("COTPOSE_LLM_API_KEY", "secret")
    server.requests.clear()
    text = LLMRefiner().refine("waving", "The right hand is above the head.", ["right hand above head"],
                               b"\x89PNG fake", seed=0)
    assert text == "To waving, the person leans."
    request = server.requests[-1]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer secret"
    assert request["body"]["model"] == "test-model"
    content = request["body"]["messages"][-1]["content"]
    assert "Raw description: The right hand is above the head." in content[0]["text"]
    assert content[1]["image_url"]["url"].startswith("data:image/png;base64,")


def test_rate_limit_waits_for_retry_after_then_succeeds(server, sleeps):
    server.script[:] = [(429, {"Retry-After": "2"}, "{}"), (503, {}, "busy")]
    answer = client_for(server, sleeps).chat([{"role": "user", "content": [{"type": "text", "text": "Action: x"}]}])
    assert answer == "To x, the person leans."
    assert sleeps == [2.0, 2.0]  # Retry-After honoured, then exponential backoff (1 * 2**1)


def test_bad_request_is_not_retried_and_says_why(server, sleeps):
    server.script[:] = [(400, {}, '{"error": "bad model"}')]
    with pytest.raises(LLMError, match="HTTP 400.*bad model"):
        client_for(server, sleeps).chat([{"role": "user", "content": "hi"}])
    assert sleeps == []


def test_gives_up_after_max_retries(server, sleeps):
    server.script[:] = [(500, {}, "oops")] * 3
    with pytest.raises(LLMError, match="gave up after 3 attempts"):
        client_for(server, sleeps, max_retries=2).chat([{"role": "user", "content": "hi"}])
    assert sleeps == [1.0, 2.0]


def test_timeout_is_retried():
    import socket
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts connections but never answers
    slept = []
    client = ChatClient(base_url=f"http://127.0.0.1:{silent.getsockname()[1]}", model="m", timeout_s=0.2,
                        max_retries=1, sleep=slept.append)
    with pytest.raises(LLMError, match="ReadTimeout"):
        client.chat([{"role": "user", "content": "hi"}])
    assert slept == [1.0]
    silent.close()


def test_missing_settings_are_named(monkeypatch):
    monkeypatch.delenv("COTPOSE_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("COTPOSE_LLM_MODEL", raising=False)
    with pytest.raises(LLMError, match="COTPOSE_LLM_BASE_URL"):
        ChatClient.from_env()
