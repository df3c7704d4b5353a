"""A real local HTTP server speaking the OpenAI chat-completions API, for the synthesis LLM tests.

A hosted LLM cannot run on this offline machine; this threaded http.server answers POST /v1/chat/completions.
``script`` holds scripted (status, headers, body) replies used first (errors, rate limits); otherwise it answers
``respond(action, raw_caption)``, by default "To <action>, the person leans."
"""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _fields(text: str) -> dict[str, str]:
    fields = {}
    for line in text.split("\n"):
        key, _, value = line.partition(": ")
        fields[key] = value
    return fields


class ChatServer:
    """Start with ``ChatServer()``; ``url`` is the API base; stop with ``httpd.shutdown()``."""

    def __init__(self):
        self.script: list[tuple[int, dict, str]] = []
        self.requests: list[dict] = []
        self.respond = lambda action, caption: f"To {action}, the person leans."
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
                if server.script:
                    status, headers, text = server.script.pop(0)
                else:
                    content = body["messages"][-1]["content"]
                    fields = _fields(content[0]["text"] if isinstance(content, list) else content)
                    answer = server.respond(fields.get("Action", ""), fields.get("Raw description", ""))
                    text = json.dumps({"choices": [{"message": {"role": "assistant", "content": answer}}]})
                    status, headers = 200, {}
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(text.encode())

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
