"""A storage node that dies while serving: its running download fails cleanly
(426) and the session goes on, the file is served from its other copy at
once, the missing copy is re-made on the nodes that are left after the grace
period, and a file that had no other copy is shown offline and refused at
once instead of hanging."""

import socket
import time

import pytest

import fleet
from fleet import expect

GRACE = 3
CONFIG = f"""
[replication]
grace_seconds = {GRACE}

[[replication.rule]]
glob = "/rep/**"
copies = 2

[liveness]
node_timeout_ms = 2000
"""
BIG = 200 * fleet.MIB
BIG_PATH = "/rep/big.bin"
FAIL_BOUND = 5          # seconds from the kill to the 426, and for a refused RETR
REPAIR_BOUND = 60       # seconds after the grace period for the copy to be re-made


@pytest.fixture
def cluster(tmp_path):
    # A node gets killed: the cluster is this test's alone.
    with fleet.running(tmp_path / "state", nodes=3, extra_config=CONFIG) as c:
        yield c


def two_online(copies: fleet.Copies) -> bool:
    return len(copies.online) == 2 and not copies.offline


def start_retr(ftp, address) -> tuple[socket.socket, int]:
    """Opens the data connection, starts the RETR and reads at least 1 MiB,
    so the transfer is surely running when the node dies."""
    conn = socket.create_connection(address, timeout=fleet.SOCKET_TIMEOUT)
    expect(ftp, f"RETR {BIG_PATH}", {125, 150})
    received = 0
    while received < fleet.MIB:
        chunk = conn.recv(fleet.MIB)
        assert chunk, f"data connection closed after {received} bytes"
        received += len(chunk)
    return conn, received


def drain(conn: socket.socket) -> int:
    received = 0
    try:
        while chunk := conn.recv(fleet.MIB):
            received += len(chunk)
    except ConnectionResetError:
        pass
    conn.close()
    return received


def test_node_loss(cluster, payload):
    ftp = cluster.ftp()
    expect(ftp, "TYPE I", 200)
    expect(ftp, "MKD /rep", 257)
    expect(ftp, "MKD /solo", 257)
    # Files kept in one copy, one on each node: whichever node dies below,
    # one of them has no other copy.
    alone = fleet.place_one_per_node(cluster, ftp, "/solo")

    local, sha = payload(BIG)
    transfer = fleet.passive_upload(ftp, f"STOR {BIG_PATH}",
                                    fleet.pret_pasv(ftp, f"STOR {BIG_PATH}"), local)
    assert fleet.reply_code(transfer.final) == 226, transfer.final
    copies = fleet.wait_for_copies(ftp, BIG_PATH, two_online, timeout=60)
    assert copies.wanted == 2, copies
    assert set(cluster.nodes_holding(BIG_PATH)) == copies.online
    for node in copies.online:
        assert fleet.sha256_file(cluster.node_file(node, BIG_PATH)) == sha, f"copy on {node}"

    # --- the node serving a download dies -------------------------------
    address = fleet.pret_pasv(ftp, f"RETR {BIG_PATH}")
    victim = cluster.node_at(address[0])
    assert victim in copies.online, f"PASV for RETR named {address}, holders {copies}"
    (survivor,) = copies.online - {victim}
    (bystander,) = set(cluster.node_names) - copies.online
    conn, received = start_retr(ftp, address)

    killed_at = time.monotonic()
    cluster.kill_node(victim)
    ftp.sock.settimeout(FAIL_BOUND + 10)
    resp = ftp.getmultiline()
    waited = time.monotonic() - killed_at
    assert fleet.reply_code(resp) == 426, resp
    assert waited < FAIL_BOUND, f"426 came {waited:.1f}s after the node died"
    received += drain(conn)
    assert received < BIG
    ftp.sock.settimeout(fleet.SOCKET_TIMEOUT)
    expect(ftp, "NOOP", 200)
    assert cluster.proc.poll() is None, "`fleetftp up` ended when a node died"
    assert cluster.node_state(victim) == "offline"

    # The master knows at once: the dead node's copy is offline, and no new
    # copy is made before the grace period is over.
    copies = fleet.site_copies(ftp, BIG_PATH)
    asked_after = time.monotonic() - killed_at
    assert copies.holders.get(victim) == "offline", copies
    assert copies.online == {survivor} or asked_after >= GRACE, \
        f"{asked_after:.1f}s after the loss (grace {GRACE}s): {copies}"

    # --- the next download comes from the other copy --------------------
    address = fleet.pret_pasv(ftp, f"RETR {BIG_PATH}")
    assert cluster.node_at(address[0]) == survivor, address
    transfer = fleet.passive_download(ftp, f"RETR {BIG_PATH}", address)
    assert fleet.reply_code(transfer.final) == 226, transfer.final
    assert (transfer.size, transfer.sha256) == (BIG, sha)

    # --- a file whose only copy was on the dead node ---------------------
    lost_path, _ = alone[victim]
    lost_name = lost_path.rsplit("/", 1)[1]
    kept = {path.rsplit("/", 1)[1]: data for node, (path, data) in alone.items() if node != victim}
    facts = dict(ftp.mlsd("/solo"))
    assert facts[lost_name].get("x.offline") == "1", facts[lost_name]
    for name in kept:
        assert facts[name].get("x.offline", "0") == "0", (name, facts[name])
    assert fleet.list_entry(ftp, "/solo", lost_name)[3] == "offline"
    for name in kept:
        assert fleet.list_entry(ftp, "/solo", name)[3] != "offline", name

    fleet.pasv(ftp)
    began = time.monotonic()
    resp = fleet.command(ftp, f"RETR {lost_path}")
    refused_in = time.monotonic() - began
    assert fleet.reply_code(resp) == 550 and "no storage node" in resp, resp
    assert refused_in < FAIL_BOUND, f"550 took {refused_in:.1f}s"
    expect(ftp, "NOOP", 200)
    for name, data in kept.items():
        assert fleet.pret_retr(ftp, f"/solo/{name}") == data

    # --- the missing copy is re-made on the nodes that are left ----------
    copies = fleet.wait_for_copies(ftp, BIG_PATH, lambda c: c.online == {survivor, bystander},
                                   timeout=GRACE + REPAIR_BOUND)
    repaired_after = time.monotonic() - killed_at
    assert copies.wanted == 2 and copies.offline <= {victim}, copies
    assert repaired_after >= GRACE, f"re-copied {repaired_after:.1f}s after the loss, grace is {GRACE}s"
    for node in (survivor, bystander):
        assert fleet.sha256_file(cluster.node_file(node, BIG_PATH)) == sha, f"copy on {node}"
    print(f"copy re-made {repaired_after:.1f}s after the node died")
    ftp.quit()
