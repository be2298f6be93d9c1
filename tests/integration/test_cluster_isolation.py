"""One operation that fails on a node fails that operation, never the node:
the client gets an error reply, and the node stays online and keeps taking
uploads and serving downloads."""

import time

import pytest

import fleet
from fleet import expect

TIMEOUT_MS = 2000
CONFIG = f"""
[liveness]
node_timeout_ms = {TIMEOUT_MS}
"""


@pytest.fixture
def cluster(tmp_path):
    with fleet.running(tmp_path / "state", nodes=2, extra_config=CONFIG) as c:
        yield c


def block_delete(disk_path) -> None:
    """Replaces a stored file by a non-empty directory of the same name:
    unlink(2) and rmdir(2) of that name both fail on the node."""
    disk_path.unlink()
    disk_path.mkdir()
    (disk_path / "keeps-it-non-empty").write_bytes(b"x")


def test_failed_delete_leaves_node_online(cluster):
    ftp = cluster.ftp()
    expect(ftp, "TYPE I", 200)
    expect(ftp, "MKD /before", 257)
    before = fleet.place_one_per_node(cluster, ftp, "/before")
    node = "n1"
    doomed, _ = before[node]
    pid = cluster.node_pids[node]
    block_delete(cluster.node_file(node, doomed))

    resp = fleet.command(ftp, f"DELE {doomed}")
    assert fleet.reply_code(resp) in (450, 550), f"DELE {doomed} -> {resp!r}"
    expect(ftp, "NOOP", 200)

    # Longer than the liveness timeout: a node whose link broke, or whose
    # loop stalled, would be offline by now.
    time.sleep(TIMEOUT_MS / 1000 + 1)
    assert fleet.pid_alive(pid) and cluster.node_pids[node] == pid
    status = cluster.nodes_list()[node]
    assert status.state == "online", status
    assert status.heartbeat_age < TIMEOUT_MS / 1000, status

    # The node still takes uploads and serves downloads, directly.
    expect(ftp, "MKD /after", 257)
    after = fleet.place_one_per_node(cluster, ftp, "/after")
    for holder, (path, data) in [*after.items(), ("n2", before["n2"])]:
        address = fleet.pret_pasv(ftp, f"RETR {path}")
        assert cluster.node_at(address[0]) == holder, (path, address)
        transfer = fleet.passive_download(ftp, f"RETR {path}", address, keep=True)
        assert fleet.reply_code(transfer.final) == 226, transfer.final
        assert transfer.data == data, path
    ftp.quit()
