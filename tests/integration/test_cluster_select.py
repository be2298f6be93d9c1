"""Operators can see why placement picks a node: SITE NODESELECT and
`fleetftp nodes select` show every candidate with its score, for an upload
(every node) and for a download (the file's holders)."""

import re

import pytest

import fleet
from fleet import expect

NUMBER = re.compile(r"\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with fleet.running(tmp_path_factory.mktemp("state"), nodes=3) as c:
        yield c


@pytest.fixture(scope="module")
def stored(cluster):
    """A file kept in one copy: (path, its holder)."""
    ftp = cluster.ftp()
    expect(ftp, "TYPE I", 200)
    fleet.pret_stor(ftp, "/chosen.bin", b"placement explained\n" * 1000)
    ftp.quit()
    (holder,) = cluster.nodes_holding("/chosen.bin")
    return "/chosen.bin", holder


def scored_nodes(text: str, nodes: list[str]) -> dict[str, str]:
    """node -> its line, for lines that name exactly one node and carry a
    number (a score) besides the name."""
    names = {node: re.compile(rf"(?<![\w.-]){re.escape(node)}(?![\w.-])") for node in nodes}
    found = {}
    for line in text.splitlines():
        named = [node for node, pattern in names.items() if pattern.search(line)]
        without_names = line
        for node in named:
            without_names = names[node].sub(" ", without_names)
        if len(named) == 1 and NUMBER.search(without_names):
            found.setdefault(named[0], line)
    return found


def site_nodeselect(ftp, direction: str, path: str) -> str:
    resp = expect(ftp, f"SITE NODESELECT {direction} {path}", 211)
    lines = resp.split("\n")
    assert len(lines) >= 3 and lines[0].startswith("211-") and lines[-1].startswith("211 "), \
        f"not a multi-line 211 reply: {resp!r}"
    return "\n".join(lines[1:-1])


def test_site_nodeselect_up_scores_every_node(cluster):
    ftp = cluster.ftp()
    body = site_nodeselect(ftp, "UP", "/x.bin")
    scored = scored_nodes(body, cluster.node_names)
    assert set(scored) == set(cluster.node_names), body
    ftp.quit()


def test_site_nodeselect_down_scores_the_holder(cluster, stored):
    path, holder = stored
    ftp = cluster.ftp()
    body = site_nodeselect(ftp, "DOWN", path)
    assert holder in scored_nodes(body, cluster.node_names), body
    ftp.quit()


def test_cli_nodes_select(cluster, stored):
    path, holder = stored
    down = cluster.run_cli("nodes", "select", "down", path)
    assert down.returncode == 0, down
    assert holder in scored_nodes(down.stdout, cluster.node_names), down.stdout
    up = cluster.run_cli("nodes", "select", "up", "/new/upload.bin")
    assert up.returncode == 0, up
    assert set(scored_nodes(up.stdout, cluster.node_names)) == set(cluster.node_names), up.stdout
