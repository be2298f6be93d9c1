"""Bad input gets the RFC's error reply, nothing escapes the namespace,
nothing is dialled on a client's behalf that it may not reach, and the
server keeps serving afterwards: the same session answers NOOP with 200 and
a second client can still log in."""

import ftplib
import io
import os
import socket
import time
import uuid
from pathlib import Path

import pytest

import fleet
from fleet import command, expect, expect_5xx

# Bounce-attack refusals: RFC 959 gives no dedicated code; 500 and 504 are
# what servers use.
REFUSED = {500, 504}
NOT_DIALLED_WAIT = 2.0


@pytest.fixture(scope="module", autouse=True)
def sample(cluster):
    ftp = cluster.ftp()
    fleet.stor_bytes(ftp, "/sample.txt", b"sample\n")
    ftp.quit()


@pytest.fixture(autouse=True)
def still_serving(cluster, ftp):
    """After every test: the session and the server are still fine."""
    yield
    expect(ftp, "NOOP", 200)
    other = cluster.ftp()
    expect(other, "NOOP", 200)
    assert fleet.retr_bytes(other, "/sample.txt") == b"sample\n"
    other.quit()


def raw_line(ftp, data: bytes) -> str:
    """Sends bytes as they are (ftplib would refuse or re-encode them)."""
    ftp.sock.sendall(data)
    return ftp.getmultiline()


def assert_not_dialled(listener: socket.socket) -> None:
    listener.settimeout(NOT_DIALLED_WAIT)
    try:
        conn, peer = listener.accept()
    except socket.timeout:
        return
    conn.close()
    pytest.fail(f"the server dialled {listener.getsockname()} from {peer}")


def free_privileged_port() -> int:
    for port in range(1023, 900, -1):
        if fleet.port_is_free(port):
            return port
    pytest.skip("no free port below 1024 to watch")


# --- commands and lines -------------------------------------------------------------

@pytest.mark.parametrize("line", ["FOO", "XYZW bar", "SITEX", "RETRIEVE x", "123"])
def test_unknown_command_is_500(ftp, line):
    expect(ftp, line, 500)


def test_empty_line_is_500(ftp):
    # Sent together with a NOOP: a server that silently skips the empty line
    # answers the NOOP first, and the test says so instead of timing out.
    ftp.sock.sendall(b"\r\nNOOP\r\n")
    first = ftp.getmultiline()
    assert fleet.reply_code(first) == 500, f"empty line -> no reply; next reply {first!r}"
    assert fleet.reply_code(ftp.getmultiline()) == 200


@pytest.mark.parametrize("length", [3000, 65536])
def test_overlong_line_is_500_and_session_continues(ftp, length):
    line = b"NOOP " + b"A" * length + b"\r\n"
    assert fleet.reply_code(raw_line(ftp, line)) == 500
    # Exactly one reply for the whole line, then normal service.
    expect(ftp, "PWD", 257)


def test_non_utf8_bytes_are_refused(ftp):
    resp = raw_line(ftp, b"RETR \xff\xfe\xc3(\r\n")
    assert resp[:1] == "5", resp


def test_line_split_across_writes(ftp):
    # Slow clients: a line may arrive in pieces.
    ftp.sock.sendall(b"NO")
    time.sleep(0.3)
    assert fleet.reply_code(raw_line(ftp, b"OP\r\n")) == 200


def test_pipelined_commands_are_answered_in_order(ftp):
    ftp.sock.sendall(b"NOOP\r\nPWD\r\n" * 100)
    for _ in range(100):
        assert fleet.reply_code(ftp.getmultiline()) == 200
        assert fleet.reply_code(ftp.getmultiline()) == 257


@pytest.mark.parametrize("line,codes", [
    ("TYPE X", {501, 504}),
    ("MODE Z", {501, 504}),
    ("STRU Z", {501, 504}),
    ("REST abc", {501}),
    ("REST -5", {501}),
    ("MFMT notatime /sample.txt", {501}),
    ("PORT 1,2,3", {501}),
    ("PORT 127,0,0,1,999,1", {501}),
    ("EPRT |1|127.0.0.1|", {501}),          # no port
    ("EPRT |1|300.1.1.1|5000|", {501}),     # not an IPv4 address
    ("EPRT |9|127.0.0.1|5000|", {522}),    # RFC 2428: network protocol not supported
])
def test_bad_arguments(ftp, line, codes):
    expect(ftp, line, codes)


# --- command sequences ----------------------------------------------------------------

def test_rnto_without_rnfr_is_503(ftp):
    expect(ftp, "RNTO /whatever.txt", 503)


def test_rnto_must_follow_rnfr_immediately(ftp):
    # RFC 959 4.1.3: RNFR "must be immediately followed by" RNTO.
    fleet.stor_bytes(ftp, "/rename-me.txt", b"r")
    expect(ftp, "RNFR /rename-me.txt", 350)
    expect(ftp, "NOOP", 200)
    expect(ftp, "RNTO /renamed.txt", 503)
    expect(ftp, "SIZE /rename-me.txt", 213)
    expect(ftp, "SIZE /renamed.txt", 550)


def test_retr_missing_is_550(ftp):
    with pytest.raises(ftplib.error_perm, match=r"^550"):
        ftp.retrbinary("RETR /does-not-exist.bin", lambda _: None)


def test_stor_into_missing_directory_is_553(ftp):
    with pytest.raises(ftplib.error_perm, match=r"^553"):
        ftp.storbinary("STOR /no/such/dir/file.bin", io.BytesIO(b"data"))
    expect(ftp, "SIZE /no/such/dir/file.bin", 550)


def test_transfer_without_data_setup(cluster):
    # A fresh session with no PORT/PASV: RETR cannot have a data connection.
    ftp = cluster.ftp()
    resp = command(ftp, "RETR /sample.txt")
    assert fleet.reply_code(resp) in (425, 503), resp
    expect(ftp, "NOOP", 200)
    ftp.quit()


# --- bounce protection ------------------------------------------------------------------

def test_port_to_foreign_address_is_refused_and_not_dialled(cluster):
    # 127.0.0.9 is not the client's address (127.0.0.1). A listener there
    # would notice any attempt to dial it.
    ftp = cluster.ftp()
    with socket.create_server(("127.0.0.9", 0)) as listener:
        expect(ftp, fleet.port_command(listener.getsockname()), REFUSED)
        resp = command(ftp, "RETR /sample.txt")
        assert resp[:1] in "45", f"RETR after a refused PORT -> {resp!r}"
        assert_not_dialled(listener)
    expect(ftp, "NOOP", 200)
    ftp.quit()


def test_eprt_to_foreign_address_is_refused_and_not_dialled(cluster):
    ftp = cluster.ftp()
    with socket.create_server(("127.0.0.9", 0)) as listener:
        expect(ftp, f"EPRT |1|127.0.0.9|{listener.getsockname()[1]}|", REFUSED)
        resp = command(ftp, "RETR /sample.txt")
        assert resp[:1] in "45", f"RETR after a refused EPRT -> {resp!r}"
        assert_not_dialled(listener)
    expect(ftp, "NOOP", 200)
    ftp.quit()


@pytest.mark.parametrize("use_eprt", [False, True], ids=["port", "eprt"])
def test_privileged_port_is_refused_and_not_dialled(cluster, use_eprt):
    port = free_privileged_port()
    ftp = cluster.ftp()
    with socket.create_server((fleet.MASTER_HOST, port)) as listener:
        line = (f"EPRT |1|127.0.0.1|{port}|" if use_eprt
                else fleet.port_command((fleet.MASTER_HOST, port)))
        expect(ftp, line, REFUSED)
        resp = command(ftp, "LIST /")
        assert resp[:1] in "45", f"LIST after a refused {line!r} -> {resp!r}"
        assert_not_dialled(listener)
    expect(ftp, "NOOP", 200)
    ftp.quit()


def test_port_80_is_refused(ftp):
    expect(ftp, "PORT 127,0,0,1,0,80", REFUSED)


# --- the namespace has no way out ------------------------------------------------------

def test_cwd_above_root_stays_at_root(ftp):
    resp = command(ftp, "CWD ../../..")
    assert fleet.reply_code(resp) in (250, 550), resp
    assert expect(ftp, "PWD", 257).startswith('257 "/"')
    expect(ftp, "CWD /", 250)
    expect(ftp, "CWD ..", {250, 550})
    assert expect(ftp, "PWD", 257).startswith('257 "/"')


@pytest.mark.parametrize("path", [
    "../../../etc/passwd",
    "/../../../../../../etc/passwd",
    "/etc/passwd",
    "../../meta.sqlite",
    "../../../meta.sqlite",
    "..%2f..%2fetc%2fpasswd",
])
def test_paths_outside_the_namespace_are_550(ftp, path):
    with pytest.raises(ftplib.error_perm, match=r"^550"):
        ftp.retrbinary(f"RETR {path}", lambda _: None)
    expect(ftp, f"SIZE {path}", 550)


def test_listing_above_root_is_the_root(ftp):
    def names(path):
        return sorted(entry.rsplit("/", 1)[-1] for entry in ftp.nlst(path))
    assert names("../../..") == names("/")
    assert "sample.txt" in names("../../..")


def test_nul_in_path_is_refused(ftp):
    expect_5xx(ftp, "RETR sam\x00ple.txt")
    expect_5xx(ftp, "MKD bad\x00dir")


def test_uploads_and_directories_cannot_escape(cluster, ftp, tmp_path):
    marker = f"escape-{uuid.uuid4().hex}"
    for line in (f"MKD ../../../../{marker}-dir", f"MKD /../{marker}-dir2"):
        command(ftp, line)      # refused or created inside the namespace; both are fine
    try:
        ftp.storbinary(f"STOR ../../../../../{marker}.txt", io.BytesIO(b"escaped?"))
    except ftplib.error_perm:
        pass
    roots = [cluster.state_dir.parent, Path("/tmp"), Path("/"), Path.cwd()]
    for root in roots:
        for found in root.glob(f"{marker}*"):
            pytest.fail(f"{found} was created outside the namespace")
    node_dirs = [cluster.node_data_dir(n).resolve() for n in cluster.node_names]
    for dirpath, dirnames, filenames in os.walk(cluster.state_dir):
        for entry in dirnames + filenames:
            if entry.startswith(marker):
                where = Path(dirpath).resolve()
                assert any(where == d or d in where.parents for d in node_dirs), \
                    f"{where / entry} is outside every node's data directory"
