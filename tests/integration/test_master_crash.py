"""The master killed with SIGKILL while 20 clients upload, then started again
on the same state directory: every upload that got its 226 is listed with its
size and downloads byte-identical, and no partial upload is ever listed.

An upload whose bytes had all reached its node when the master died is
whole on the node's disk without a 226 (the node renames it into place
before the master commits it); the node's inventory brings it back at the
restart ([cluster] unknown_files = "adopt"), and it is listed whole. The
test accepts that and checks such files byte for byte."""

import ftplib
import hashlib
import io
import os
import signal
import threading

import fleet

WORKERS = 20
COMMITTED_BEFORE_KILL = 40     # 226 replies seen before the master is killed
KILL_TIMEOUT = 120             # seconds for the uploads to reach that count


def payload(worker: int, index: int) -> bytes:
    # Sizes from 64 KiB to about 2.5 MiB, so that some uploads are in flight
    # at any moment; content unique per file.
    size = 64 * 1024 + ((worker * 7919 + index * 104729) % (2500 * 1024))
    seed = hashlib.sha256(f"{worker}/{index}".encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


class Uploader(threading.Thread):
    """One client uploading /crash/w<i>-<j>.bin one after the other until its
    control connection dies with the master."""

    def __init__(self, cluster, worker: int, committed: threading.Semaphore):
        super().__init__(daemon=True)
        self.cluster, self.worker, self.committed = cluster, worker, committed
        self.sent: dict[str, bytes] = {}       # every upload started
        self.confirmed: set[str] = set()       # those that got a 226
        self.error: str | None = None

    def run(self) -> None:
        try:
            ftp = self.cluster.ftp()
            ftp.sendcmd("TYPE I")
        except (OSError, ftplib.Error, EOFError) as e:
            self.error = f"login failed: {e!r}"
            return
        index = 0
        while True:
            path = f"/crash/w{self.worker}-{index}.bin"
            data = payload(self.worker, index)
            self.sent[path] = data
            try:
                resp = ftp.storbinary(f"STOR {path}", io.BytesIO(data), blocksize=256 * 1024)
            except (OSError, ftplib.Error, EOFError):
                return  # the master is gone (or refused): this upload has no 226
            if resp.startswith("226"):
                self.confirmed.add(path)
                self.committed.release()
            index += 1


def test_kill_9_of_the_master_during_uploads_loses_no_confirmed_file(tmp_path):
    cluster = fleet.Cluster(tmp_path / "state", nodes=2)
    try:
        cluster.start()
        ftp = cluster.ftp()
        fleet.expect(ftp, "MKD /crash", 257)
        ftp.quit()

        committed = threading.Semaphore(0)
        workers = [Uploader(cluster, i, committed) for i in range(WORKERS)]
        for w in workers:
            w.start()
        for n in range(COMMITTED_BEFORE_KILL):
            assert committed.acquire(timeout=KILL_TIMEOUT), \
                f"only {n} uploads confirmed within {KILL_TIMEOUT} s; errors: {[w.error for w in workers if w.error]}"
        os.kill(cluster.master_pid, signal.SIGKILL)
        for w in workers:
            w.join(timeout=fleet.SOCKET_TIMEOUT + 10)
            assert not w.is_alive(), f"uploader {w.worker} still waits after the master died"
        # `up` stops everything once its master is gone.
        assert cluster.proc.wait(timeout=fleet.STOP_TIMEOUT) != 0
        cluster._forget()

        sent = {path: data for w in workers for path, data in w.sent.items()}
        confirmed = {path for w in workers for path in w.confirmed}
        unconfirmed = set(sent) - confirmed

        cluster.start()
        ftp = cluster.ftp()
        ftp.sendcmd("TYPE I")
        listed = fleet.walk_files(ftp, "/crash")
        for path in confirmed:
            assert path in listed, f"{path} got a 226 before the kill but is not listed after the restart"
            assert int(listed[path]["size"]) == len(sent[path]), (path, listed[path])
            assert fleet.retr_bytes(ftp, path) == sent[path], f"{path} differs after the restart"
        whole_unconfirmed = 0
        for path, facts in listed.items():
            assert path in sent, f"{path} is listed but was never uploaded"
            if path in confirmed:
                continue
            # Committed just before the kill: it must be the whole file.
            assert int(facts["size"]) == len(sent[path]), f"partial upload {path} listed: {facts}"
            assert fleet.retr_bytes(ftp, path) == sent[path], f"{path} is listed but its content is not what was sent"
            whole_unconfirmed += 1
        ftp.quit()
        print(f"\n{len(confirmed)} uploads confirmed before the kill, all listed and identical; "
              f"{len(unconfirmed)} in flight, of which {whole_unconfirmed} committed whole before the kill "
              f"and none listed partial")
    finally:
        cluster.kill()
