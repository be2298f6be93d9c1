"""Draining a node moves every file off it (copied elsewhere, verified, then
removed from it) while clients keep downloading without a single failure;
afterwards the node holds nothing and every file is intact elsewhere."""

import random
import threading

import pytest

import fleet
from fleet import expect

FILES = 1000
DIRS = 10
DRAIN_TIMEOUT = 240


@pytest.fixture
def cluster(tmp_path):
    with fleet.running(tmp_path / "state", nodes=3) as c:
        yield c


def upload_many(ftp) -> dict[str, bytes]:
    files = {}
    for d in range(DIRS):
        expect(ftp, f"MKD /batch{d}", 257)
    rng = random.Random(1000)
    for i in range(FILES):
        path = f"/batch{i % DIRS}/file{i:04d}.bin"
        files[path] = rng.randbytes(rng.randint(1024, 8 * 1024))
        fleet.pret_stor(ftp, path, files[path])
    return files


class Downloader(threading.Thread):
    """Downloads random files in a loop until stopped, alternating PRET (the
    master picks a holder) and plain PASV (a predicted node, relaying from a
    holder if it lacks the file); records every failure."""

    def __init__(self, cluster, files: dict[str, bytes]):
        super().__init__(daemon=True)
        self.cluster = cluster
        self.files = files
        self.stop = threading.Event()
        self.done = 0
        self.failures: list[str] = []

    def run(self):
        rng = random.Random(7)
        paths = sorted(self.files)
        ftp = self.cluster.ftp()
        expect(ftp, "TYPE I", 200)
        try:
            while not self.stop.is_set():
                path = rng.choice(paths)
                try:
                    if self.done % 2:
                        data = fleet.pret_retr(ftp, path)
                    else:
                        expect(ftp, f"SIZE {path}", 213)
                        data = fleet.retr_bytes(ftp, path)
                except Exception as e:      # every kind of failure counts
                    self.failures.append(f"{path}: {type(e).__name__}: {e}")
                    ftp.close()
                    ftp = self.cluster.ftp()
                    expect(ftp, "TYPE I", 200)
                    continue
                if data != self.files[path]:
                    self.failures.append(f"{path}: {len(data)} bytes, content differs")
                self.done += 1
        finally:
            ftp.close()


def test_drain_moves_everything_off_a_node(cluster):
    ftp = cluster.ftp()
    expect(ftp, "TYPE I", 200)
    files = upload_many(ftp)
    per_node = {n: cluster.disk_files(n) & set(files) for n in cluster.node_names}
    print({n: len(p) for n, p in per_node.items()})
    victim = max(per_node, key=lambda n: len(per_node[n]))
    assert len(per_node[victim]) < FILES, f"every upload went to {victim}"

    downloader = Downloader(cluster, files)
    downloader.start()
    try:
        result = cluster.run_cli("nodes", "drain", victim, "--wait", timeout=DRAIN_TIMEOUT)
    finally:
        downloader.stop.set()
        downloader.join(timeout=60)
    assert not downloader.is_alive(), "the downloading client hangs"
    assert result.returncode == 0, result
    lines = result.stdout.strip().splitlines()
    assert lines and lines[-1] == f"drain {victim}: done", result.stdout
    assert len(lines) >= 2 and all(line.startswith(f"drain {victim}: ") for line in lines), \
        f"expected progress lines, then the verdict: {result.stdout}"
    assert not downloader.failures, \
        f"{len(downloader.failures)} of {downloader.done + len(downloader.failures)} downloads " \
        f"failed during the drain: {downloader.failures[:10]}"
    assert downloader.done >= 10, f"only {downloader.done} downloads ran during the drain"
    print(f"{downloader.done} downloads during the drain")

    assert cluster.disk_files(victim) == set(), sorted(cluster.disk_files(victim))[:20]
    assert cluster.nodes_list()[victim].files == 0
    for path, data in files.items():
        copies = fleet.site_copies(ftp, path)
        assert victim not in copies.holders and copies.online, (path, copies)
        assert fleet.pret_retr(ftp, path) == data, path
    ftp.quit()
