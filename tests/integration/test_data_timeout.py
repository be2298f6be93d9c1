"""[ftp] data_timeout: a transfer whose data connection moves no byte for that
long is ended by the node that carries it, and the client gets 426 on the
control connection; the session goes on, and a failed upload leaves no file.

Needs `fleetftp up --extra-config` to accept keys of the [ftp] table that
`up` writes itself."""

import socket
import time

import pytest

import fleet
from fleet import expect

DATA_TIMEOUT = 3  # seconds
# Much more than the socket buffers of both ends hold, so a client that reads
# nothing stalls the transfer.
BIG = 32 * fleet.MIB


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with fleet.running(tmp_path_factory.mktemp("state"),
                       extra_config=f"[ftp]\ndata_timeout = {DATA_TIMEOUT}\n") as c:
        yield c


def connect_small(address: tuple[str, int]) -> socket.socket:
    """A data connection with a small receive buffer, opened the way a client would."""
    conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
    conn.settimeout(30)
    conn.connect(address)
    return conn


def final_reply_within(ftp, limit: float) -> tuple[str, float]:
    """The next reply and the seconds it took; fails if none comes within `limit`."""
    began = time.monotonic()
    ftp.sock.settimeout(limit)
    try:
        resp = ftp.getmultiline()
    except socket.timeout:
        pytest.fail(f"no reply within {limit:.0f}s")
    finally:
        ftp.sock.settimeout(fleet.SOCKET_TIMEOUT)
    return resp, time.monotonic() - began


def test_a_passive_retr_the_client_never_reads_ends_with_426(cluster, ftp, payload):
    local, _ = payload(BIG)
    fleet.stor_file(ftp, "/stalled.bin", local)
    conn = connect_small(fleet.pasv(ftp))
    try:
        expect(ftp, "RETR /stalled.bin", 150)
        resp, took = final_reply_within(ftp, DATA_TIMEOUT + 15)
        print(f"426 after {took:.1f}s without progress (data_timeout = {DATA_TIMEOUT}s)")
        assert resp.startswith("426"), resp
        # The timeout, plus the once-a-second check and the time the buffers
        # took to fill.
        assert DATA_TIMEOUT - 0.5 <= took <= DATA_TIMEOUT + 4, took
        # The node closed its end: what is left in the buffers ends in EOF.
        got = 0
        conn.settimeout(10)
        try:
            while chunk := conn.recv(fleet.MIB):
                got += len(chunk)
        except ConnectionResetError:
            pass
        assert got < BIG
    finally:
        conn.close()
    expect(ftp, "NOOP", 200)
    # The file itself is untouched and still downloads whole.
    size, _ = fleet.retr_sha256(ftp, "/stalled.bin")
    assert size == BIG


def test_a_passive_stor_that_stops_sending_ends_with_426_and_no_file(cluster, ftp):
    conn = connect_small(fleet.pasv(ftp))
    try:
        expect(ftp, "STOR /half.bin", 150)
        conn.sendall(b"x" * 100_000)
        # ...then nothing, without closing.
        resp, took = final_reply_within(ftp, DATA_TIMEOUT + 15)
        print(f"STOR: 426 after {took:.1f}s without progress")
        assert resp.startswith("426"), resp
    finally:
        conn.close()
    expect(ftp, "NOOP", 200)
    assert fleet.reply_code(fleet.command(ftp, "SIZE /half.bin")) == 550
    assert not any(cluster.nodes_holding("/half.bin"))
