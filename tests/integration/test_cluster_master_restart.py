"""A restarted master waits for the nodes it knows: the copies of a node that
has not connected yet count as present for the grace period after the
master's start, as if the node had been lost at that moment. Only when the
grace period ends without the node are its files copied elsewhere."""

import os
import time

import pytest

import fleet

GRACE = 12              # [replication] grace_seconds of this test
CONFIG = f"""
[replication]
default = 2
grace_seconds = {GRACE}
"""
FILES = 6


@pytest.fixture
def cluster(tmp_path):
    with fleet.running(tmp_path / "state", nodes=3, extra_config=CONFIG) as c:
        yield c


def log_text(cluster) -> str:
    return cluster.log_path.read_text(errors="replace")


def test_a_node_slow_to_return_after_a_master_restart_keeps_its_copies(cluster):
    ftp = cluster.ftp()
    fleet.expect(ftp, "TYPE I", 200)
    data = {f"/f{i}.bin": os.urandom(10_000 + 997 * i) for i in range(FILES)}
    for path, payload in data.items():
        fleet.pret_stor(ftp, path, payload)
    holders = {path: fleet.wait_for_copies(ftp, path, lambda c: len(c.online) == 2, 30).online
               for path in data}
    ftp.quit()
    late = "n3"
    on_late = [path for path, nodes in holders.items() if late in nodes]
    assert on_late, f"no file has a copy on {late}: {holders}"

    # The whole cluster stops; the master and two nodes start again, n3 not.
    cluster.stop()
    log_before = len(log_text(cluster))
    cluster.nodes = 2
    started = time.monotonic()  # no later than the master's start
    cluster.start()

    # The first scan runs about 5 s after the start, well within the grace
    # period: n3's copies still count, so nothing is short and nothing moves.
    def restart_log() -> str:
        return log_text(cluster)[log_before:]
    assert fleet.wait_until(lambda: "replication scan done" in restart_log(), 20), cluster.log_tail()
    assert time.monotonic() - started < GRACE, "the first scan came after the grace period; the test proves nothing"
    first_scan = restart_log()
    assert "replication scan done: 0 files below their copy count" in first_scan, first_scan[-3000:]
    assert "copied /" not in first_scan, first_scan[-3000:]
    ftp = cluster.ftp()
    for path in on_late:
        copies = fleet.site_copies(ftp, path)
        assert copies.offline == {late} and copies.online == holders[path] - {late}, (path, copies)

    # The grace period ends without n3: its files get a second copy on the
    # node that lacked one, and n1 and n2 hold everything.
    for path in on_late:
        copies = fleet.wait_for_copies(ftp, path, lambda c: len(c.online) == 2, GRACE + 30)
        assert copies.online == {"n1", "n2"}, (path, copies)
        for node in copies.online:
            assert cluster.node_file(node, path).read_bytes() == data[path], (path, node)
    assert time.monotonic() - started >= GRACE, "copies were made before the grace period ended"
    ftp.quit()
