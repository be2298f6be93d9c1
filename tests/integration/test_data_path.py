"""File bytes go between the client and a node, never through the master.

Evidence, per data-connection mode:
- the 227 reply names a node's address and a port of that node's range,
  and that node has the file on its disk;
- in active mode the data connection is dialled from a node's address;
- the master's own counter of bytes it wrote on data connections
  (SITE STATS "data bytes sent by master") barely moves while 100 MiB flow.
"""

import pytest

import fleet
from fleet import expect

BIG = 100 * fleet.MIB
# Listings and protocol noise are allowed; a relayed file would be 100 MiB.
MASTER_BUDGET = fleet.MIB


@pytest.fixture(scope="module")
def big(cluster, payload):
    """/big.bin, 100 MiB, uploaded once for the module."""
    path, sha = payload(BIG)
    ftp = cluster.ftp()
    fleet.stor_file(ftp, "/big.bin", path)
    ftp.quit()
    assert cluster.nodes_holding("/big.bin"), "upload is on no node's disk"
    return sha


def assert_node_listener(cluster, address, vfs_path=None) -> str:
    """The passive address is a node's own, the port is from that node's range,
    and (for a download) that node holds the file. Returns the node's name."""
    host, port = address
    node = cluster.node_at(host)
    assert node, f"227 names {host}, not a node's address ({cluster.node_names})"
    assert port in cluster.passive_range(node), f"port {port} is not in {node}'s range"
    if vfs_path:
        assert node in cluster.nodes_holding(vfs_path), \
            f"227 names {node}, but {vfs_path} is on {cluster.nodes_holding(vfs_path)}"
    return node


def assert_full_download(transfer, sha) -> None:
    assert fleet.reply_code(transfer.final) == 226, transfer.final
    assert (transfer.size, transfer.sha256) == (BIG, sha)


def test_pret_retr_passive_listener_is_on_the_holding_node(cluster, ftp, big):
    expect(ftp, "TYPE I", 200)
    before = fleet.master_bytes_sent(ftp)
    expect(ftp, "PRET RETR /big.bin", 200)
    address = fleet.pasv(ftp)
    assert_node_listener(cluster, address, "/big.bin")
    assert_full_download(fleet.passive_download(ftp, "RETR /big.bin", address), big)
    assert fleet.master_bytes_sent(ftp) - before < MASTER_BUDGET


def test_pasv_without_pret_retr_does_not_pass_the_master(cluster, ftp, big):
    expect(ftp, "TYPE I", 200)
    before = fleet.master_bytes_sent(ftp)
    address = fleet.pasv(ftp)
    # Without PRET or prediction the node is chosen by load: it may lack the
    # file, and then fetches it from the node that has it.
    assert_node_listener(cluster, address)
    assert_full_download(fleet.passive_download(ftp, "RETR /big.bin", address), big)
    assert fleet.master_bytes_sent(ftp) - before < MASTER_BUDGET


def test_port_retr_is_dialled_by_the_holding_node(cluster, ftp, big):
    expect(ftp, "TYPE I", 200)
    before = fleet.master_bytes_sent(ftp)
    transfer = fleet.active_download(ftp, "RETR /big.bin")
    node = cluster.node_at(transfer.peer[0])
    assert node, f"data connection came from {transfer.peer}, not from a node"
    assert node in cluster.nodes_holding("/big.bin")
    assert_full_download(transfer, big)
    assert fleet.master_bytes_sent(ftp) - before < MASTER_BUDGET


def test_pret_list_passive_listener_is_the_masters(cluster, ftp, big):
    expect(ftp, "PRET LIST", 200)
    host, port = fleet.pasv(ftp)
    assert host == fleet.MASTER_HOST
    assert port in cluster.passive_range("master"), port
    listing = fleet.passive_download(ftp, "LIST /", (host, port), keep=True)
    assert fleet.reply_code(listing.final) == 226, listing.final
    assert b"big.bin" in listing.data
    assert str(BIG).encode() in listing.data, listing.data


def test_pasv_without_pret_then_list_still_lists(cluster, ftp, big):
    # The listener may be on a node; the master hands it the listing.
    address = fleet.pasv(ftp)
    listing = fleet.passive_download(ftp, "NLST /", address, keep=True)
    assert fleet.reply_code(listing.final) == 226, listing.final
    assert "big.bin" in listing.data.decode().split(), listing.data


def test_port_list_is_dialled_by_the_master(cluster, ftp, big):
    listing = fleet.active_download(ftp, "NLST /", keep=True)
    assert listing.peer[0] == fleet.MASTER_HOST, listing.peer
    assert fleet.reply_code(listing.final) == 226, listing.final
    assert "big.bin" in listing.data.decode().split()


@pytest.mark.parametrize("pret", [True, False], ids=["pret", "no-pret"])
def test_passive_stor_lands_on_the_listening_node(cluster, ftp, payload, pret):
    path, sha = payload(8 * fleet.MIB)
    target = f"/stor-{'pret' if pret else 'plain'}.bin"
    expect(ftp, "TYPE I", 200)
    if pret:
        expect(ftp, f"PRET STOR {target}", 200)
    address = fleet.pasv(ftp)
    node = assert_node_listener(cluster, address)
    transfer = fleet.passive_upload(ftp, f"STOR {target}", address, path)
    assert fleet.reply_code(transfer.final) == 226, transfer.final
    # The node that accepted the bytes is the one that stored them.
    assert node in cluster.nodes_holding(target), (node, cluster.nodes_holding(target))
    assert fleet.sha256_file(cluster.node_file(node, target)) == sha


def test_port_stor_is_dialled_by_a_node_that_stores_it(cluster, ftp, payload):
    path, sha = payload(8 * fleet.MIB)
    expect(ftp, "TYPE I", 200)
    transfer = fleet.active_upload(ftp, "STOR /stor-active.bin", path)
    assert fleet.reply_code(transfer.final) == 226, transfer.final
    node = cluster.node_at(transfer.peer[0])
    assert node, f"data connection came from {transfer.peer}, not from a node"
    assert fleet.sha256_file(cluster.node_file(node, "/stor-active.bin")) == sha


def test_pret_replies(cluster, ftp, big):
    expect(ftp, "PRET RETR /big.bin", 200)
    expect(ftp, "PRET RETR /no-such-file", 550)
    expect(ftp, "PRET STOR /fresh-name.bin", 200)
    expect(ftp, "PRET STOR /no-such-dir/file.bin", 553)
    for listing in ("LIST", "NLST", "MLSD", "LIST /"):
        expect(ftp, f"PRET {listing}", 200)
    # Commands that take no data connection.
    for no_data in ("NOOP", "CWD /", "DELE /big.bin", "SIZE /big.bin"):
        expect(ftp, f"PRET {no_data}", 504)
    # A refused PRET must not have done anything.
    assert expect(ftp, "SIZE /big.bin", 213).strip() == f"213 {BIG}"


def master_io(cluster) -> int:
    """Bytes the master moved through read()/write()-style syscalls (rchar +
    wchar of /proc/<pid>/io). Socket send()/recv() and splice() are not
    counted there, so this only backs up SITE STATS: a master that copied
    file data with read()/write() would show it."""
    fields = dict(line.split(": ") for line in
                  open(f"/proc/{cluster.master_pid}/io").read().splitlines())
    return int(fields["rchar"]) + int(fields["wchar"])


def test_master_process_io_stays_small_during_retr(cluster, ftp, big):
    expect(ftp, "TYPE I", 200)
    before = master_io(cluster)
    address = fleet.pasv(ftp)
    assert_full_download(fleet.passive_download(ftp, "RETR /big.bin", address), big)
    assert master_io(cluster) - before < MASTER_BUDGET


def test_a_file_missing_from_its_nodes_disk_is_a_451_after_the_150(cluster, ftp):
    """The master starts the transfer without waiting for the node (150 at
    once); the node's refusal becomes the final reply, and it keeps serving."""
    data = b"soon gone from the disk\n"
    fleet.pret_stor(ftp, "/lost.txt", data)
    holder = cluster.nodes_holding("/lost.txt")[0]
    cluster.node_file(holder, "/lost.txt").unlink()
    for open_passive in (lambda: fleet.pret_pasv(ftp, "RETR /lost.txt"), lambda: fleet.pasv(ftp)):
        transfer = fleet.passive_download(ftp, "RETR /lost.txt", open_passive())
        assert fleet.reply_code(transfer.preliminary) == 150, transfer
        assert fleet.reply_code(transfer.final) == 451, transfer
        assert "/lost.txt" in transfer.final and transfer.size == 0, transfer
    fleet.pret_stor(ftp, "/lost.txt", data)
    assert fleet.retr_bytes(ftp, "/lost.txt") == data
