"""PASV without PRET: the master predicts the node from SIZE/MDTM, and when
the predicted node lacks the file the transfer still reaches the node that
has it (node to node: the connection handed over, as here where the nodes
share a host, or the bytes relayed), without the bytes passing through the
master. test_handoff.py tells the two ways apart."""

import os

import pytest

import fleet
from fleet import expect

FILE_SIZE = 8 * fleet.MIB
MAX_UPLOADS = 16


@pytest.fixture(scope="module")
def placed(cluster):
    """{node: (vfs path, bytes)} with one file held by that node alone."""
    ftp = cluster.ftp()
    placed = fleet.place_one_per_node(cluster, ftp, "/", FILE_SIZE)
    ftp.quit()
    return placed


def test_each_node_holds_some_file_alone(cluster, placed):
    for node, (path, data) in placed.items():
        assert cluster.node_file(node, path).read_bytes() == data
        others = [n for n in cluster.node_names if n != node]
        assert not any(cluster.node_file(n, path).exists() for n in others)


@pytest.mark.parametrize("hint", ["SIZE", "MDTM"])
def test_hint_puts_passive_listener_on_holding_node(cluster, ftp, placed, hint):
    expect(ftp, "TYPE I", 200)
    for node, (path, data) in placed.items():
        expect(ftp, f"{hint} {path}", 213)
        host, port = fleet.pasv(ftp)
        assert cluster.node_at(host) == node, f"after {hint} {path} (on {node}) PASV named {host}"
        assert port in cluster.passive_range(node)
        transfer = fleet.passive_download(ftp, f"RETR {path}", (host, port))
        assert fleet.reply_code(transfer.final) == 226, transfer.final
        assert transfer.sha256 == fleet.sha256_bytes(data)


@pytest.mark.parametrize("rest", [0, 1234567], ids=["whole", "rest"])
def test_retr_through_node_lacking_the_file(cluster, ftp, placed, rest):
    expect(ftp, "TYPE I", 200)
    (node_a, (path_a, _)), (node_b, (path_b, data_b)) = list(placed.items())[:2]
    for (lender, hint_path), (wanted, wanted_data) in [((node_a, path_a), (path_b, data_b)),
                                                       ((node_b, path_b), placed[node_a])]:
        before = fleet.master_bytes_sent(ftp)
        expect(ftp, f"SIZE {hint_path}", 213)
        address = fleet.pasv(ftp)
        # The listener is on a node that (at upload time) did not hold the
        # file; whether it keeps a copy afterwards is the server's choice.
        assert cluster.node_at(address[0]) == lender, address
        if rest:
            expect(ftp, f"REST {rest}", 350)
        transfer = fleet.passive_download(ftp, f"RETR {wanted}", address)
        assert fleet.reply_code(transfer.final) == 226, transfer.final
        assert (transfer.size, transfer.sha256) == (FILE_SIZE - rest,
                                                    fleet.sha256_bytes(wanted_data[rest:]))
        # Node to node, not via the master.
        assert fleet.master_bytes_sent(ftp) - before < fleet.MIB


def upload_onto(cluster, ftp, path: str, node: str) -> bytes:
    """Uploads `path` (re-placing it) until it is held by `node` alone."""
    for _ in range(MAX_UPLOADS):
        data = os.urandom(300_000)
        expect(ftp, f"PRET STOR {path}", 200)
        fleet.stor_bytes(ftp, path, data)
        if cluster.nodes_holding(path) == [node]:
            return data
    pytest.fail(f"{path} never landed on {node} alone")


def test_appe_through_node_lacking_the_file(cluster, ftp, placed):
    # Appending must append even when the data connection ends on a node
    # that does not hold the file.
    (node_a, _), (node_b, (path_b, _)) = list(placed.items())[:2]
    original = upload_onto(cluster, ftp, "/appended.bin", node_a)
    expect(ftp, "TYPE I", 200)
    expect(ftp, f"SIZE {path_b}", 213)
    address = fleet.pasv(ftp)
    assert cluster.node_at(address[0]) == node_b, address
    transfer = fleet.passive_upload(ftp, "APPE /appended.bin", address, b"-tail")
    assert fleet.reply_code(transfer.final) == 226, transfer.final
    assert fleet.retr_bytes(ftp, "/appended.bin") == original + b"-tail"
    assert expect(ftp, "SIZE /appended.bin", 213).strip() == f"213 {len(original) + 5}"
