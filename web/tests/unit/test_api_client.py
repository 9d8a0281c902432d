"""The site's client of the services: a kept-alive connection the service closes while a request is on its way
(gunicorn's keepalive running out — seen once as a 503 page in a full run) is not the person's problem."""

from __future__ import annotations

import socket
import threading

import pytest
from flask import Flask

from glos_web.api import Api, ServiceUnavailable

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: keep-alive\r\n\r\n" \
         b'{"ok":true}'


def read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return data
        data += chunk
    return data


class ClosingService:
    """Answers the first request on each connection, then — when the next request on it arrives — closes the
    connection without answering, as a service whose keepalive ran out at that moment does."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn):
        with conn:
            if read_request(conn):
                conn.sendall(ANSWER)
            read_request(conn)  # the next request on this connection: closed unanswered

    def close(self):
        self.server.close()


@pytest.fixture
def service():
    running = ClosingService()
    yield running
    running.close()


def test_a_get_on_a_connection_the_service_just_closed_is_sent_again(service):
    api = Api({"proposals": f"http://127.0.0.1:{service.port}"}, timeout_s=5)
    with Flask("t").test_request_context("/"):
        assert api.get("proposals", "/editions") == {"ok": True}
        assert api.get("proposals", "/editions") == {"ok": True}  # its connection closed under it: sent again
    assert service.connections == 2


def test_a_post_is_not_sent_twice_when_the_service_may_have_read_it(service):
    api = Api({"proposals": f"http://127.0.0.1:{service.port}"}, timeout_s=5)
    with Flask("t").test_request_context("/"):
        assert api.post("proposals", "/editions", json={}) == {"ok": True}
        with pytest.raises(ServiceUnavailable):
            api.post("proposals", "/editions", json={})  # the page says "try again"; never a silent double

