"""A local HTTP server on 127.0.0.1 for the URL tests (no other network is used).

Routes are a dict path -> ``Route`` (status, headers, body, delay before answering). The server runs in a
daemon thread and is shut down by the fixture that started it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, urlsplit


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    #: Send a Content-Length header (without one, the body ends when the connection closes).
    length: bool = True


@dataclass
class Server:
    base: str
    routes: dict[str, Route]
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, User-Agent)

    def url(self, path: str) -> str:
        return self.base + quote(path)


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[Server]:
    server_state: Server | None = None

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            assert server_state is not None
            from urllib.parse import unquote

            path = unquote(urlsplit(self.path).path)
            server_state.requests.append((path, self.headers.get("User-Agent", "")))
            route = routes.get(path)
            if route is None:
                self.send_error(404, "Not Found")
                return
            if route.delay:
                time.sleep(route.delay)
            try:
                self.send_response(route.status)
                for key, value in route.headers.items():
                    self.send_header(key, value)
                if route.length and "Content-Length" not in route.headers:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    server_state = Server(f"http://127.0.0.1:{httpd.server_address[1]}", routes)
    try:
        yield server_state
    finally:
        httpd.shutdown()
        httpd.server_close()
