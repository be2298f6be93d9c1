"""A 100 MiB binary file survives an upload and a download unchanged in each
data-connection mode: passive with PRET, passive without PRET, and active."""

import pytest

import fleet
from fleet import expect

SIZE = 100 * fleet.MIB


@pytest.fixture(scope="module")
def big(payload):
    return payload(SIZE)


def assert_stored_intact(cluster, ftp, vfs_path: str, sha: str) -> None:
    assert expect(ftp, f"SIZE {vfs_path}", 213).strip() == f"213 {SIZE}"
    holders = cluster.nodes_holding(vfs_path)
    assert holders, f"{vfs_path} is on no node's disk"
    for node in holders:
        assert fleet.sha256_file(cluster.node_file(node, vfs_path)) == sha, node


def test_passive_with_pret(cluster, ftp, big):
    path, sha = big
    expect(ftp, "TYPE I", 200)

    expect(ftp, "PRET STOR /pret.bin", 200)
    up = fleet.passive_upload(ftp, "STOR /pret.bin", fleet.pasv(ftp), path)
    assert fleet.reply_code(up.final) == 226, up.final
    assert_stored_intact(cluster, ftp, "/pret.bin", sha)

    expect(ftp, "PRET RETR /pret.bin", 200)
    down = fleet.passive_download(ftp, "RETR /pret.bin", fleet.pasv(ftp))
    assert fleet.reply_code(down.final) == 226, down.final
    assert (down.size, down.sha256) == (SIZE, sha)


def test_passive_without_pret(cluster, ftp, big):
    path, sha = big
    fleet.stor_file(ftp, "/plain-pasv.bin", path)          # ftplib: TYPE I, PASV, STOR
    assert_stored_intact(cluster, ftp, "/plain-pasv.bin", sha)
    assert fleet.retr_sha256(ftp, "/plain-pasv.bin") == (SIZE, sha)


def test_active(cluster, ftp, big):
    path, sha = big
    ftp.set_pasv(False)                                     # ftplib: PORT
    fleet.stor_file(ftp, "/active.bin", path)
    assert_stored_intact(cluster, ftp, "/active.bin", sha)
    assert fleet.retr_sha256(ftp, "/active.bin") == (SIZE, sha)
    assert any(r.startswith("200") for r in ftp.replies), "PORT must answer 200"


def test_resume_in_the_middle(cluster, ftp, big):
    # REST at an odd offset deep inside a large file: the node must seek.
    path, sha = big
    fleet.stor_file(ftp, "/resume.bin", path)
    offset = 73 * fleet.MIB + 4321
    expected = fleet.sha256_bytes(path.read_bytes()[offset:])
    expect(ftp, "TYPE I", 200)
    expect(ftp, f"REST {offset}", 350)
    down = fleet.passive_download(ftp, "RETR /resume.bin", fleet.pasv(ftp))
    assert (down.size, down.sha256) == (SIZE - offset, expected)
    assert fleet.reply_code(down.final) == 226
