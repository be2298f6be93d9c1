"""A node that dies mid-transfer fails that transfer cleanly (426), the
client's session goes on, and the cluster keeps serving from the nodes that
are left."""

import os
import signal
import socket

import pytest

import fleet
from fleet import expect

BIG = 64 * fleet.MIB


@pytest.fixture
def own_cluster(tmp_path):
    # A node gets killed here, so the cluster is not shared with other tests.
    with fleet.running(tmp_path / "state") as c:
        yield c


def place_on_other_node(cluster, ftp, avoid: str) -> bytes:
    """Uploads /kept.bin until it lands on a node other than `avoid`."""
    for _ in range(12):
        data = os.urandom(100_000)
        expect(ftp, "PRET STOR /kept.bin", 200)
        fleet.stor_bytes(ftp, "/kept.bin", data)
        if avoid not in cluster.nodes_holding("/kept.bin"):
            return data
    pytest.fail(f"placement put every upload on {avoid}")


def test_killed_node_fails_running_retr_with_426(own_cluster, payload):
    cluster = own_cluster
    path, sha = payload(BIG)
    ftp = cluster.ftp()
    expect(ftp, "TYPE I", 200)
    expect(ftp, "PRET STOR /doomed.bin", 200)
    fleet.passive_upload(ftp, "STOR /doomed.bin", fleet.pasv(ftp), path)
    (victim,) = cluster.nodes_holding("/doomed.bin")
    kept = place_on_other_node(cluster, ftp, victim)

    expect(ftp, "PRET RETR /doomed.bin", 200)
    address = fleet.pasv(ftp)
    assert cluster.node_at(address[0]) == victim
    conn = socket.create_connection(address, timeout=fleet.SOCKET_TIMEOUT)
    expect(ftp, "RETR /doomed.bin", {125, 150})
    received = len(conn.recv(fleet.MIB))
    assert received > 0

    os.kill(cluster.node_pids[victim], signal.SIGKILL)
    ftp.sock.settimeout(15)
    resp = ftp.getmultiline()
    assert fleet.reply_code(resp) == 426, resp
    # Whatever the kernel still delivers, it is not the whole file.
    try:
        while chunk := conn.recv(fleet.MIB):
            received += len(chunk)
    except ConnectionResetError:
        pass
    conn.close()
    assert received < BIG

    # The session goes on, and the surviving node takes new work.
    ftp.sock.settimeout(fleet.SOCKET_TIMEOUT)
    expect(ftp, "NOOP", 200)
    data = os.urandom(3 * fleet.MIB)
    fleet.stor_bytes(ftp, "/after-failure.bin", data)
    assert fleet.retr_bytes(ftp, "/after-failure.bin") == data
    holders = cluster.nodes_holding("/after-failure.bin")
    assert holders, "upload after the failure is on no node's disk"
    assert fleet.sha256_file(cluster.node_file(holders[0], "/after-failure.bin")) == \
        fleet.sha256_bytes(data)
    # Files of the surviving node are still served.
    assert fleet.retr_bytes(ftp, "/kept.bin") == kept
    ftp.quit()

    # Other clients can still log in and list.
    other = cluster.ftp()
    assert "after-failure.bin" in other.nlst("/")
    other.quit()
