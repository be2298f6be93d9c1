"""IPv6 clients (RFC 2428): the embedded default also listens on ::1. Its
nodes have IPv4 data addresses only, so an IPv6 client's passive (EPSV) and
active (EPRT |2|) transfers are relayed by the master — even under the
default EPSV policy, which refuses EPSV to IPv4 clients."""

import ftplib
import hashlib
import io
import os
import socket

import pytest

import fleet
from fleet import expect


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not ipv6_loopback(), reason="this host has no IPv6 loopback")


def ftp6(cluster) -> ftplib.FTP:
    ftp = ftplib.FTP(timeout=fleet.SOCKET_TIMEOUT)
    ftp.connect("::1", cluster.port)
    assert ftp.login(cluster.user, cluster.password).startswith("230")
    expect(ftp, "TYPE I", 200)
    return ftp


def roundtrip(ftp: ftplib.FTP, name: str, data: bytes) -> bytes:
    assert ftp.storbinary(f"STOR {name}", io.BytesIO(data)).startswith("226")
    out = io.BytesIO()
    assert ftp.retrbinary(f"RETR {name}", out.write).startswith("226")
    return out.getvalue()


def test_ipv6_passive_transfers_are_relayed(cluster):
    data = os.urandom(3 * fleet.MIB + 17)
    ftp = ftp6(cluster)
    # ftplib uses EPSV for an IPv6 control connection.
    resp = ftp.sendcmd("EPSV")
    assert resp.startswith("229"), resp
    ftp.sendcmd("ABOR")
    before = fleet.master_bytes_sent(ftp)
    got = roundtrip(ftp, "/v6-passive.bin", data)
    assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
    # The file is stored on a node, and the master carried it (the relay).
    assert cluster.nodes_holding("/v6-passive.bin")
    assert fleet.master_bytes_sent(ftp) - before >= 2 * len(data)
    assert ftp.nlst("/").count("v6-passive.bin") == 1
    ftp.quit()


def test_ipv6_active_transfers_with_eprt(cluster):
    data = os.urandom(2 * fleet.MIB + 5)
    ftp = ftp6(cluster)
    ftp.set_pasv(False)  # ftplib sends EPRT |2|::1|port| for IPv6
    got = roundtrip(ftp, "/v6-active.bin", data)
    assert got == data
    assert "v6-active.bin" in ftp.nlst("/")
    ftp.quit()


def test_ipv6_eprt_to_another_address_is_refused(cluster):
    ftp = ftp6(cluster)
    resp = fleet.command(ftp, "EPRT |2|::2|40000|")
    assert fleet.reply_code(resp) == 500, resp
    resp = fleet.command(ftp, "EPRT |1|127.0.0.1|40000|")
    assert fleet.reply_code(resp) == 500, resp  # an IPv4 address is not this client's either
    expect(ftp, "NOOP", 200)
    ftp.quit()
