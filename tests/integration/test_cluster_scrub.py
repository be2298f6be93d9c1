"""Scrubbing finds silent corruption: one flipped byte in one copy, with size
and modification time unchanged (as bit rot leaves them), is found by its
CRC-32 and repaired from the good copy."""

import os
import re

import pytest

import fleet
from fleet import expect

CONFIG = """
[replication]
default = 2
"""
FILES = {"/scrub/a.bin": 3 * fleet.MIB + 17, "/scrub/b.bin": 70_000, "/scrub/c.bin": 1}
DAMAGED = "/scrub/a.bin"
DAMAGED_AT = 2 * fleet.MIB + 12345
SCRUB_DONE = re.compile(r"^scrub: done, (\d+) copies checked, (\d+) repaired$")


@pytest.fixture
def cluster(tmp_path):
    with fleet.running(tmp_path / "state", nodes=2, extra_config=CONFIG) as c:
        yield c


def flip_byte(path, offset: int) -> None:
    stat = os.stat(path)
    with open(path, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes([byte[0] ^ 0x5A]))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_scrub_repairs_a_flipped_byte(cluster):
    ftp = cluster.ftp()
    expect(ftp, "TYPE I", 200)
    expect(ftp, "MKD /scrub", 257)
    contents = {}
    for path, size in FILES.items():
        contents[path] = os.urandom(size)
        fleet.pret_stor(ftp, path, contents[path])
    for path in FILES:
        fleet.wait_for_copies(ftp, path, lambda c: c.online == set(cluster.node_names), timeout=60)

    bad_copy = cluster.node_file("n2", DAMAGED)
    flip_byte(bad_copy, DAMAGED_AT)
    assert bad_copy.read_bytes() != contents[DAMAGED]
    assert bad_copy.stat().st_size == len(contents[DAMAGED])

    result = cluster.run_cli("scrub", "--wait", timeout=120)
    assert result.returncode == 0, result
    last = fleet.last_line(result)
    m = SCRUB_DONE.match(last)
    assert m, result.stdout
    assert (int(m[1]), int(m[2])) == (2 * len(FILES), 1), last

    for path, data in contents.items():
        for node in cluster.node_names:
            assert cluster.node_file(node, path).read_bytes() == data, f"{path} on {node}"
        assert fleet.site_copies(ftp, path).online == set(cluster.node_names), path

    # A second pass finds nothing left to repair.
    again = cluster.run_cli("scrub", "--wait", timeout=120)
    assert again.returncode == 0, again
    assert fleet.last_line(again) == \
        f"scrub: done, {2 * len(FILES)} copies checked, 0 repaired", again.stdout
    ftp.quit()
