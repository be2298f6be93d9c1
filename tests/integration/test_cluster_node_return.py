"""A node that comes back after a crash catches up: deletes and renames made
through FTP while it was away are replayed to it, its copies count again, and
afterwards its disk holds exactly the files the namespace says it holds,
under their current names, with their content."""

import os

import pytest

import fleet
from fleet import expect

# Two copies by default, one under /single. The grace period is far longer
# than the test: nothing is re-copied while the node is away, so only its
# return can set things right.
CONFIG = """
[replication]
default = 2
grace_seconds = 600

[[replication.rule]]
glob = "/single/**"
copies = 1
"""
RETURN_BOUND = 60       # seconds for the restarted node to be online again
SYNC_BOUND = 30         # then seconds for its disk to match the namespace

LAYOUT = {
    "/single": [f"s{i}.bin" for i in range(6)],
    "/d1": [f"a{i}.bin" for i in range(4)],
    "/d2": [f"b{i}.bin" for i in range(3)],
    "/d2/sub": [f"c{i}.bin" for i in range(3)],
    "/": [f"top{i}.bin" for i in range(3)],
}


@pytest.fixture
def cluster(tmp_path):
    with fleet.running(tmp_path / "state", nodes=3, extra_config=CONFIG) as c:
        yield c


def join(directory: str, name: str) -> str:
    return directory.rstrip("/") + "/" + name


def upload_layout(ftp) -> dict[str, bytes]:
    files = {}
    for directory, names in LAYOUT.items():
        if directory != "/":
            expect(ftp, f"MKD {directory}", 257)
        for name in names:
            path = join(directory, name)
            # Varied sizes, so a copy mixed up with another shows.
            files[path] = os.urandom(20_000 + 7919 * len(files))
            fleet.pret_stor(ftp, path, files[path])
    return files


def holders_of(ftp, paths) -> dict[str, set[str]]:
    """path -> online holders, after every file has all the copies it wants."""
    result = {}
    for path in paths:
        copies = fleet.wait_for_copies(
            ftp, path, lambda c: len(c.online) == c.wanted and not c.offline, timeout=60)
        result[path] = copies.online
    return result


def expected_disk(ftp, node: str) -> set[str]:
    """The files the namespace lists with `node` as a holder."""
    return {path for path in fleet.walk_files(ftp, "/")
            if node in fleet.site_copies(ftp, path).holders}


def test_returning_node_catches_up(cluster):
    ftp = cluster.ftp()
    expect(ftp, "TYPE I", 200)
    files = upload_layout(ftp)
    holders = holders_of(ftp, files)
    for path in files:
        wanted = 1 if path.startswith("/single/") else 2
        assert len(holders[path]) == wanted, (path, holders[path])
        assert set(cluster.nodes_holding(path)) == holders[path], path

    # The node holding the most single-copy files goes away, so that some
    # changes touch files nobody else has.
    def held_by(node, prefix=""):
        return sorted(p for p, h in holders.items() if node in h and p.startswith(prefix))
    victim = max(cluster.node_names, key=lambda n: len(held_by(n, "/single/")))
    singles = held_by(victim, "/single/")
    pairs = [p for p in held_by(victim) if not p.startswith(("/single/", "/d2/"))]
    assert len(singles) >= 2, f"{victim} holds too few single-copy files: {holders}"
    assert len(pairs) >= 2, f"{victim} holds too few two-copy files outside /d2: {holders}"
    assert held_by(victim, "/d2/"), f"{victim} holds nothing under /d2: {holders}"
    cluster.kill_node(victim)
    # The link closes with the process; the changes below are made once the
    # master has seen it, so they are surely made while the node is away.
    cluster.wait_node_state(victim, "offline", 10)

    # --- changes while the node is away ----------------------------------
    deleted = [singles[0], pairs[0]]
    renamed = {singles[1]: "/single/renamed.bin", pairs[1]: "/moved/renamed-pair.bin"}
    for path in deleted:
        expect(ftp, f"DELE {path}", 250)
    expect(ftp, "MKD /moved", 257)       # a directory the node never saw
    for old, new in renamed.items():
        expect(ftp, f"RNFR {old}", 350)
        expect(ftp, f"RNTO {new}", 250)
    expect(ftp, "RNFR /d2", 350)
    expect(ftp, "RNTO /d2-renamed", 250)
    for old in [p for p in files if p.startswith("/d2/")]:
        renamed[old] = "/d2-renamed/" + old[len("/d2/"):]
    late = os.urandom(33_333)
    fleet.pret_stor(ftp, "/while-away.bin", late)

    # What the namespace must be now, and who must hold what.
    model = {renamed.get(p, p): data for p, data in files.items() if p not in deleted}
    model["/while-away.bin"] = late
    want_holders = {renamed.get(p, p): h for p, h in holders.items() if p not in deleted}

    # --- the node returns ----------------------------------------------
    cluster.start_node(victim)
    took = cluster.wait_node_state(victim, "online", RETURN_BOUND)
    print(f"{victim} online {took:.1f}s after it was started again")

    def disk_matches() -> bool:
        return cluster.disk_files(victim) == expected_disk(ftp, victim)
    if not fleet.wait_until(disk_matches, SYNC_BOUND, interval=0.5):
        on_disk, listed = cluster.disk_files(victim), expected_disk(ftp, victim)
        pytest.fail(f"{victim}'s disk differs from the namespace {SYNC_BOUND}s after it was online:\n"
                    f"  on disk, not listed: {sorted(on_disk - listed)}\n"
                    f"  listed, not on disk: {sorted(listed - on_disk)}")

    assert set(fleet.walk_files(ftp, "/")) == set(model)
    for path in [*deleted, *renamed]:
        assert not cluster.node_file(victim, path).exists(), f"{path} is still on {victim}'s disk"
    for path in model:
        if path in want_holders:
            copies = fleet.site_copies(ftp, path)
            assert copies.online == want_holders[path] and not copies.offline, (path, copies)
        for node in cluster.nodes_holding(path):
            assert cluster.node_file(node, path).read_bytes() == model[path], f"{path} on {node}"
        assert fleet.pret_retr(ftp, path) == model[path], path
    assert {p for p, h in want_holders.items() if victim in h} <= cluster.disk_files(victim)
    print(f"{victim} holds {len(cluster.disk_files(victim))} files after its return, "
          f"{len(deleted)} deleted and {len(renamed)} renamed while it was away")
    ftp.quit()


def scans(cluster) -> int:
    return cluster.log_path.read_text(errors="replace").count("replication scan done")


def assert_no_scan_since(cluster, scanned: int) -> None:
    """A scan of every file would follow a node's return within the 5 s
    the replicator rests between scans; none must."""
    assert not fleet.wait_until(lambda: scans(cluster) > scanned, 7), \
        "the node's return started a scan of every file"


def after_first_scan(cluster) -> int:
    """Waits for the scan the master runs once nodes serve; returns the count."""
    assert fleet.wait_until(lambda: scans(cluster) >= 1, 30), cluster.log_tail()
    return scans(cluster)


def test_a_copy_lost_from_a_disk_while_away_is_made_again(cluster):
    scanned = after_first_scan(cluster)
    ftp = cluster.ftp()
    expect(ftp, "TYPE I", 200)
    data = os.urandom(20_000)
    fleet.pret_stor(ftp, "/lost-copy.bin", data)
    copies = fleet.wait_for_copies(ftp, "/lost-copy.bin", lambda c: len(c.online) == 2, SYNC_BOUND)
    victim = sorted(copies.online)[0]
    cluster.kill_node(victim)
    cluster.wait_node_state(victim, "offline", 10)
    cluster.node_file(victim, "/lost-copy.bin").unlink()

    cluster.start_node(victim)
    cluster.wait_node_state(victim, "online", RETURN_BOUND)
    # Its inventory lacks the file: that copy is forgotten and made again
    # from the other one, without waiting for an hourly scan.
    copies = fleet.wait_for_copies(ftp, "/lost-copy.bin", lambda c: len(c.online) == 2, SYNC_BOUND)
    for node in copies.online:
        assert cluster.node_file(node, "/lost-copy.bin").read_bytes() == data, node
    assert_no_scan_since(cluster, scanned)
    ftp.quit()


def test_a_file_that_found_no_node_for_its_copy_gets_one_when_a_node_returns(cluster):
    scanned = after_first_scan(cluster)
    ftp = cluster.ftp()
    expect(ftp, "TYPE I", 200)
    away = cluster.node_names[:2]
    for node in away:
        cluster.kill_node(node)
    for node in away:
        cluster.wait_node_state(node, "offline", 10)
    data = os.urandom(30_000)
    fleet.pret_stor(ftp, "/alone.bin", data)  # two copies wanted, one node serving
    copies = fleet.site_copies(ftp, "/alone.bin")
    assert len(copies.online) == 1, copies

    cluster.start_node(away[0])
    cluster.wait_node_state(away[0], "online", RETURN_BOUND)
    copies = fleet.wait_for_copies(ftp, "/alone.bin", lambda c: len(c.online) == 2, SYNC_BOUND)
    assert away[0] in copies.online, copies
    assert cluster.node_file(away[0], "/alone.bin").read_bytes() == data
    assert_no_scan_since(cluster, scanned)
    ftp.quit()
