"""ABOR (RFC 959 4.1.3) while data flows: 426 for the aborted transfer, then
226 for the ABOR; the node stops sending; the session carries on. A STOR that
is aborted or fails leaves no file behind, neither in the namespace nor on a
node's disk."""

import os
import socket
import struct
import time

import pytest

import fleet
from fleet import expect

BIG = 100 * fleet.MIB
# Read this much before aborting, so the transfer is surely under way and
# surely not done (socket buffers hold a few MiB at most).
READ_BEFORE_ABORT = 2 * fleet.MIB


@pytest.fixture(scope="module")
def big(cluster, payload):
    path, sha = payload(BIG)
    ftp = cluster.ftp()
    fleet.stor_file(ftp, "/big.bin", path)
    ftp.quit()
    return sha


def read_exactly(conn: socket.socket, count: int) -> int:
    got = 0
    while got < count:
        chunk = conn.recv(min(fleet.MIB, count - got))
        assert chunk, f"data connection closed after {got} bytes"
        got += len(chunk)
    return got


def drain(conn: socket.socket, timeout: float = 15.0) -> int:
    """Reads until the server closes the data connection; fails if it does not."""
    conn.settimeout(timeout)
    got = 0
    try:
        while chunk := conn.recv(fleet.MIB):
            got += len(chunk)
    except ConnectionResetError:
        pass
    except socket.timeout:
        pytest.fail(f"data connection still open {timeout:.0f}s after ABOR")
    return got


def reset(conn: socket.socket) -> None:
    """Closes with RST: a broken connection, never a clean end of upload."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def open_retr(ftp, mode: str, path: str) -> socket.socket:
    """Starts RETR in passive or active mode and returns the data connection."""
    expect(ftp, "TYPE I", 200)
    if mode == "pasv":
        conn = socket.create_connection(fleet.pasv(ftp), timeout=fleet.SOCKET_TIMEOUT)
        expect(ftp, f"RETR {path}", {125, 150})
        return conn
    with fleet.active_listener() as server:
        expect(ftp, fleet.port_command(server.getsockname()), 200)
        expect(ftp, f"RETR {path}", {125, 150})
        conn, _ = server.accept()
        conn.settimeout(fleet.SOCKET_TIMEOUT)
        return conn


def assert_gone(cluster, vfs_path: str, timeout: float = 10.0) -> None:
    """The file is absent from the namespace and from every node's disk,
    temporary files included (anything whose name contains the file's)."""
    base = vfs_path.rsplit("/", 1)[-1]

    def leftovers():
        return [os.path.join(d, f) for n in cluster.node_names
                for d, _, files in os.walk(cluster.node_data_dir(n)) for f in files if base in f]

    fleet.wait_until(lambda: not leftovers(), timeout)
    assert leftovers() == []
    checker = cluster.ftp()
    expect(checker, f"SIZE {vfs_path}", 550)
    assert base not in [n.rsplit("/", 1)[-1] for n in checker.nlst("/")]
    checker.quit()


# --- RETR ---------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["pasv", "port"])
def test_abor_during_retr(cluster, ftp, big, mode):
    conn = open_retr(ftp, mode, "/big.bin")
    received = read_exactly(conn, READ_BEFORE_ABORT)
    ftp.sock.sendall(b"ABOR\r\n")
    first, second = ftp.getmultiline(), ftp.getmultiline()
    assert (fleet.reply_code(first), fleet.reply_code(second)) == (426, 226), (first, second)
    # The node stopped: the data connection ends well before the file does.
    received += drain(conn)
    conn.close()
    assert received < BIG, "the whole file arrived despite ABOR"

    expect(ftp, "NOOP", 200)
    assert fleet.retr_sha256(ftp, "/big.bin") == (BIG, big)


def test_ftplib_abort_with_urgent_data(cluster, ftp, big):
    # ftplib.FTP.abort() sends "ABOR\r\n" as TCP urgent data, as RFC 959's
    # Synch suggests; the server must still read the whole line.
    expect(ftp, "TYPE I", 200)
    conn = ftp.transfercmd("RETR /big.bin")
    read_exactly(conn, READ_BEFORE_ABORT)
    ftp.sock.settimeout(10)     # a server that waits for the rest of the line fails fast
    try:
        first = ftp.abort()
    except TimeoutError:
        pytest.fail("no reply within 10 s to ABOR sent as urgent data by ftplib.abort() "
                    "(the urgent byte is the final LF; without SO_OOBINLINE the server "
                    "reads only 'ABOR\\r')")
    assert fleet.reply_code(first) == 426, first
    assert fleet.reply_code(ftp.getmultiline()) == 226
    drain(conn)
    conn.close()
    expect(ftp, "NOOP", 200)


def test_abor_without_transfer(ftp):
    # RFC 959: 225 (data connection open, no transfer) or 226.
    expect(ftp, "ABOR", {225, 226})
    expect(ftp, "NOOP", 200)


def test_abor_after_transfer_finished(cluster, ftp):
    fleet.stor_bytes(ftp, "/small.txt", b"small" * 100)
    conn = open_retr(ftp, "pasv", "/small.txt")
    assert drain(conn) == 500
    conn.close()
    time.sleep(0.5)     # let the transfer's end reach the master
    ftp.sock.sendall(b"ABOR\r\n")
    first, second = ftp.getmultiline(), ftp.getmultiline()
    codes = (fleet.reply_code(first), fleet.reply_code(second))
    # Either the RETR had ended (its 226, then the ABOR's own 225/226), or the
    # master had not yet heard of the end and aborted it (426, then 226).
    assert codes in {(226, 225), (226, 226), (426, 226)}, (first, second)
    expect(ftp, "NOOP", 200)
    # Either way the session is in step: the next transfer is whole.
    assert fleet.retr_bytes(ftp, "/small.txt") == b"small" * 100


# --- STOR ---------------------------------------------------------------------------

def open_stor(ftp, path: str) -> socket.socket:
    expect(ftp, "TYPE I", 200)
    conn = socket.create_connection(fleet.pasv(ftp), timeout=fleet.SOCKET_TIMEOUT)
    expect(ftp, f"STOR {path}", {125, 150})
    return conn


def test_abor_during_stor_leaves_no_file(cluster, ftp):
    conn = open_stor(ftp, "/aborted-upload.bin")
    conn.sendall(os.urandom(4 * fleet.MIB))
    ftp.sock.sendall(b"ABOR\r\n")
    first, second = ftp.getmultiline(), ftp.getmultiline()
    assert (fleet.reply_code(first), fleet.reply_code(second)) == (426, 226), (first, second)
    reset(conn)
    assert_gone(cluster, "/aborted-upload.bin")

    # The session goes on and the same name can be uploaded properly.
    expect(ftp, "NOOP", 200)
    fleet.stor_bytes(ftp, "/aborted-upload.bin", b"complete")
    assert fleet.retr_bytes(ftp, "/aborted-upload.bin") == b"complete"


def test_reset_data_connection_fails_stor_with_426(cluster, ftp):
    conn = open_stor(ftp, "/reset-upload.bin")
    conn.sendall(os.urandom(3 * fleet.MIB))
    reset(conn)
    resp = ftp.getmultiline()
    assert fleet.reply_code(resp) == 426, resp
    assert_gone(cluster, "/reset-upload.bin")
    expect(ftp, "NOOP", 200)


def test_lost_control_connection_fails_stor(cluster):
    ftp = cluster.ftp()
    conn = open_stor(ftp, "/orphan-upload.bin")
    conn.sendall(os.urandom(2 * fleet.MIB))
    reset(ftp.sock)
    reset(conn)
    ftp.file.close()
    assert_gone(cluster, "/orphan-upload.bin")

