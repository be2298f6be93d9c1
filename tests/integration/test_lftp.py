"""lftp mirrors a nested tree up (mirror -R) and back down; both copies are
byte-identical. lftp reads FEAT, so it uses PRET and MLSD on its own."""

import os
import subprocess
from pathlib import Path

import pytest

import fleet


def lftp_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lftp(cluster, commands: str, debug_log: Path) -> subprocess.CompletedProcess:
    script = "; ".join([
        "set ftp:ssl-allow no",
        "set net:max-retries 1",
        "set net:timeout 10",
        "set net:reconnect-interval-base 1",
        f"debug -o {lftp_quote(str(debug_log))} 5",
        f"open -u {lftp_quote(cluster.user + ',' + cluster.password)} -p {cluster.port} 127.0.0.1",
        commands,
    ])
    result = subprocess.run(["lftp", "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (f"lftp exited {result.returncode}\nstdout:\n{result.stdout}\n"
                                    f"stderr:\n{result.stderr}\ndebug (tail):\n"
                                    + debug_log.read_text(errors="replace")[-4000:])
    return result


def make_tree(root: Path) -> int:
    """60 files in three levels of directories, sizes from 0 bytes to 2 MiB,
    including a name with spaces and an empty directory. Returns the file count."""
    count = 0
    sizes = [0, 1, 17, 511, 4096, 65537, 200_000]
    for top in ("alpha", "beta", "gamma"):
        for mid in ("one", "two"):
            folder = root / top / mid
            folder.mkdir(parents=True)
            for i in range(9):
                size = sizes[(count + i) % len(sizes)]
                (folder / f"file{i}.dat").write_bytes(os.urandom(size))
                count += 1
        (root / top / f"{top} notes.txt").write_bytes(f"notes for {top}\n".encode() * 50)
        count += 1
    fleet.write_payload(root / "big.bin", 2 * fleet.MIB + 3)
    count += 1
    (root / "empty-dir").mkdir()
    return count


def snapshot(root: Path) -> dict[str, str]:
    """relative path -> sha256 for files, "dir" for directories."""
    result = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        result[rel] = "dir" if path.is_dir() else fleet.sha256_file(path)
    return result


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("lftp") / "source"
    count = make_tree(root)
    assert count >= 50
    return root


def test_mirror_up_and_down_is_identical(cluster, tree, tmp_path):
    debug_up = tmp_path / "up.log"
    lftp(cluster, f"mirror -R --parallel=2 {lftp_quote(str(tree))} /mirrored", debug_up)
    original = snapshot(tree)

    # Every file reached a node's disk intact, at its path in the namespace.
    for rel, sha in original.items():
        if sha == "dir":
            continue
        holders = cluster.nodes_holding(f"/mirrored/{rel}")
        assert holders, f"{rel} is on no node's disk"
        assert fleet.sha256_file(cluster.node_file(holders[0], f"/mirrored/{rel}")) == sha, rel

    back = tmp_path / "back"
    debug_down = tmp_path / "down.log"
    lftp(cluster, f"mirror --parallel=2 /mirrored {lftp_quote(str(back))}", debug_down)
    assert snapshot(back) == original

    # lftp used what FEAT advertised: PRET before its passive transfers and
    # MLSD for listings.
    log = debug_up.read_text(errors="replace") + debug_down.read_text(errors="replace")
    assert "PRET STOR" in log and "PRET RETR" in log, "lftp did not use PRET"
    assert "MLSD" in log, "lftp did not use MLSD"


def test_mirror_again_transfers_nothing(cluster, tree, tmp_path):
    # A second mirror of an unchanged tree compares the listing's sizes with
    # the local ones and must find nothing to upload: listings report the
    # true sizes. (Times are ignored: whether lftp can set them is lftp's
    # business.)
    lftp(cluster, f"mirror -R {lftp_quote(str(tree))} /again", tmp_path / "first.log")
    result = lftp(cluster, f"mirror -R --ignore-time {lftp_quote(str(tree))} /again",
                  tmp_path / "second.log")
    log = (tmp_path / "second.log").read_text(errors="replace")
    assert "STOR " not in log, "second mirror uploaded again:\n" + result.stdout


def test_ls_and_cat(cluster, tree, tmp_path):
    lftp(cluster, f"mirror -R {lftp_quote(str(tree / 'alpha'))} /small", tmp_path / "up.log")
    result = lftp(cluster, "cls -1 /small/one; cat '/small/alpha notes.txt'", tmp_path / "ls.log")
    lines = result.stdout.splitlines()
    assert [f"/small/one/file{i}.dat" for i in range(9)] == lines[:9] or \
        [f"file{i}.dat" for i in range(9)] == lines[:9], result.stdout
    assert "notes for alpha" in result.stdout
