"""What a page passes to a client function as an id — a typed banned word, a form's comment id — stays one path
segment on the wire: it can never turn the request into another endpoint of the service."""

from __future__ import annotations

import http.server
import threading

import pytest
import requests

from glos_web.clients._service import segment


@pytest.fixture
def received_paths():
    """A throwaway HTTP server on the loopback that records the path of every request it gets."""
    paths: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_DELETE(self):
            paths.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", paths
    server.shutdown()


@pytest.mark.parametrize(("typed", "sent"), [
    ("ławka", "/banned-words/%C5%82awka"),
    ("a/b?c#d", "/banned-words/a%2Fb%3Fc%23d"),
    ("../../results", "/banned-words/..%2F..%2Fresults"),
    ("..", "/banned-words/.."),  # a segment of its own, not resolved away to "/"
    (".", "/banned-words/."),
])
def test_a_typed_value_is_one_segment_of_the_path_the_service_receives(received_paths, typed, sent):
    base, paths = received_paths
    requests.delete(f"{base}/banned-words/{segment(typed)}", timeout=5)
    assert paths == [sent]


def test_without_it_the_http_client_would_resolve_dots_to_another_endpoint(received_paths):
    base, paths = received_paths
    requests.delete(f"{base}/banned-words/..", timeout=5)
    assert paths == ["/"]
