"""Many clients at once: parallel uploads and downloads in every mode stay
intact, spread over the nodes, and still bypass the master."""

import os
from concurrent.futures import ThreadPoolExecutor

import fleet
from fleet import expect

FILE_SIZE = 8 * fleet.MIB
MODES = ["pret", "pasv", "port"]


def round_trip(cluster, index: int, mode: str) -> tuple[str, str]:
    """One client: uploads its own file and downloads it again in `mode`.
    Returns (path, sha256 of what came back)."""
    data = os.urandom(FILE_SIZE)
    path = f"/parallel-{index}.bin"
    ftp = cluster.ftp()
    try:
        expect(ftp, "TYPE I", 200)
        if mode == "port":
            up = fleet.active_upload(ftp, f"STOR {path}", data)
            down = fleet.active_download(ftp, f"RETR {path}")
        else:
            if mode == "pret":
                expect(ftp, f"PRET STOR {path}", 200)
            up = fleet.passive_upload(ftp, f"STOR {path}", fleet.pasv(ftp), data)
            if mode == "pret":
                expect(ftp, f"PRET RETR {path}", 200)
            down = fleet.passive_download(ftp, f"RETR {path}", fleet.pasv(ftp))
        assert fleet.reply_code(up.final) == 226, up.final
        assert fleet.reply_code(down.final) == 226, down.final
        assert down.sha256 == fleet.sha256_bytes(data), f"{path} came back different ({mode})"
        return path, down.sha256
    finally:
        ftp.close()


def test_parallel_round_trips_in_all_modes(cluster):
    jobs = [(i, MODES[i % len(MODES)]) for i in range(9)]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(lambda job: round_trip(cluster, *job), jobs))
    # Every file is on some node's disk, intact, and the uploads used both nodes.
    used = set()
    for path, sha in results:
        holders = cluster.nodes_holding(path)
        assert holders, f"{path} is on no node's disk"
        assert fleet.sha256_file(cluster.node_file(holders[0], path)) == sha
        used.update(holders)
    assert used == set(cluster.node_names), used


def test_parallel_downloads_of_one_file(cluster, payload):
    path, sha = payload(32 * fleet.MIB)
    ftp = cluster.ftp()
    fleet.stor_file(ftp, "/shared.bin", path)
    before = fleet.master_bytes_sent(ftp)

    def download(mode: str) -> str:
        client = cluster.ftp()
        try:
            client.set_pasv(mode != "port")
            return fleet.retr_sha256(client, "/shared.bin")[1]
        finally:
            client.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        shas = list(pool.map(download, ["pasv", "port"] * 3))
    assert shas == [sha] * 6
    assert fleet.master_bytes_sent(ftp) - before < fleet.MIB
    ftp.quit()
