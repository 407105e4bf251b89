"""Hostile and broken connections: timeouts, the connection limit, and requests the server will not frame."""
import socket
import time
import urllib.request

import pytest

from conftest import Server


@pytest.fixture(scope="module")
def guarded():
    s = Server("--header-timeout", "1", "--idle-timeout", "2", "--max-connections", "40", storage="memory").start()
    yield s
    s.stop()


def connect(server, timeout=5):
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.settimeout(timeout)
    return sock


def read_until_closed(sock):
    """Everything the server sends, and whether it then closed the connection (False: still open at the timeout)."""
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return data, True
            data += chunk
    except socket.timeout:
        return data, False
    except ConnectionResetError:
        return data, True


def health(server):
    with urllib.request.urlopen(server.endpoint + "/_switchyard/health", timeout=5) as r:
        return r.status


def test_malformed_request_is_answered_400_and_the_connection_closed(guarded):
    sock = connect(guarded)
    sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
    data, closed = read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 400") and b"connection: close" in data.lower()
    assert closed


def test_connect_is_refused_with_a_framed_answer_and_the_connection_closed(guarded):
    sock = connect(guarded)
    sock.sendall(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
    data, closed = read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 405")
    assert closed


def test_unsupported_transfer_coding_is_refused(guarded):
    sock = connect(guarded)
    sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 b"Transfer-Encoding: gzip, chunked\r\n\r\n11\r\nAction=ListQueues\r\n0\r\n\r\n")
    data, closed = read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 501") and b"gzip" in data
    assert closed


def test_declared_oversized_body_is_refused_before_it_is_read(guarded):
    sock = connect(guarded)
    started = time.monotonic()
    sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: 104857600\r\n\r\n")
    data, closed = read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 413")
    assert b"content-length:" in data.lower()
    assert closed and time.monotonic() - started < 1


def test_slow_request_head_is_cut_off(guarded):
    # A slowloris client drips its head a byte at a time; the header timeout runs from the first byte.
    sock = connect(guarded)
    started = time.monotonic()
    closed = False
    for byte in b"GET /_switchyard/health HTTP/1.1\r\nHost: x\r\n\r\n":
        try:
            sock.sendall(bytes([byte]))
        except OSError:
            closed = True
            break
        time.sleep(0.2)
    if not closed:
        _, closed = read_until_closed(sock)
    assert closed and time.monotonic() - started < 4


def test_stalled_body_gets_408(guarded):
    sock = connect(guarded)
    sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: 100\r\n\r\nAction=")
    data, closed = read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 408") and closed


def test_idle_keep_alive_connection_is_closed(guarded):
    sock = connect(guarded)
    sock.sendall(b"GET /_switchyard/health HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.3)
    assert sock.recv(65536).startswith(b"HTTP/1.1 200")
    started = time.monotonic()
    data, closed = read_until_closed(sock)
    assert closed and data == b"" and 1.5 < time.monotonic() - started < 4


def test_connection_limit_refuses_extra_connections_and_recovers(guarded):
    held = [connect(guarded, timeout=1) for _ in range(60)]
    time.sleep(0.3)
    answered = 0
    for sock in held:
        try:
            sock.sendall(b"GET /_switchyard/health HTTP/1.1\r\nHost: x\r\n\r\n")
            if sock.recv(100).startswith(b"HTTP/1.1 200"):
                answered += 1
        except OSError:
            pass
    assert answered <= 40
    for sock in held:
        sock.close()
    deadline = time.monotonic() + 5
    while True:
        try:
            assert health(guarded) == 200
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_idle_connections_do_not_outlive_the_idle_timeout(guarded):
    held = [connect(guarded) for _ in range(30)]
    time.sleep(3)
    for sock in held:
        _, closed = read_until_closed(sock)
        assert closed
    assert health(guarded) == 200
