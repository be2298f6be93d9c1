"""The comparison table of `make bench` (scripts/bench/report.py): which
peer is best, which way the ratio points, and the spread of the runs."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "bench"))

import report  # noqa: E402
from report import Row  # noqa: E402

THROUGHPUT = Row("RETR, MB/s", "retr", "retr", "median", True, True)
CPU = Row("server CPU s/GB, RETR", "retr", "retr", "server_cpu_s_per_gb", False, True)
LISTING = Row("LIST, ms", "list", "list-LIST", "median", False, True)


def result(scenario: str, runs: list[float], cpu: list[float] | None = None, error: str | None = None) -> dict:
    cpu = cpu or [1.0] * len(runs)
    ordered = sorted(zip(runs, cpu))
    middle = ordered[len(ordered) // 2] if ordered else (None, None)
    return {"scenario": scenario, "median": middle[0], "error": error, "parameters": {},
            "median_extra": {"server_cpu_s_per_gb": middle[1]},
            "runs": [{"value": v, "extra": {"server_cpu_s_per_gb": c}} for v, c in zip(runs, cpu)]}


def servers(**per_server: dict) -> dict:
    return {name.replace("_", "-"): runs for name, runs in per_server.items()}


def test_the_ratio_is_above_one_when_fleetftp_is_better_in_either_direction():
    per_server = servers(
        vsftpd={"retr": [result("retr", [900, 1000, 1100], [0.5, 0.4, 0.6])],
                "list": [result("list-LIST", [30, 31, 32])]},
        proftpd={"retr": [result("retr", [1900, 2000, 2100], [0.3, 0.35, 0.4])],
                 "list": [result("list-LIST", [20, 21, 22])]},
        fleetftp={"retr": [result("retr", [3900, 4000, 4100], [0.1, 0.2, 0.3])],
                  "list": [result("list-LIST", [9, 10, 11])]})
    rows = {t["row"]: t for t in report.build_rows([THROUGHPUT, CPU, LISTING], per_server)}

    assert rows["RETR, MB/s"]["best_peer"] == {"server": "proftpd", "value": 2000}
    assert rows["RETR, MB/s"]["ratio"] == 2.0
    # Lower is better: the best peer is the lowest, and the ratio is best/fleetftp.
    assert rows["server CPU s/GB, RETR"]["best_peer"] == {"server": "proftpd", "value": 0.35}
    assert abs(rows["server CPU s/GB, RETR"]["ratio"] - 1.75) < 1e-9
    assert rows["LIST, ms"]["best_peer"]["server"] == "proftpd"
    assert rows["LIST, ms"]["ratio"] == 2.1


def test_a_peer_without_a_figure_is_never_the_best_and_a_row_without_fleetftp_has_no_ratio():
    per_server = servers(
        vsftpd={"retr": [result("retr", [], error="PASV: 500 OOPS")]},
        pure_ftpd={"retr": [result("retr", [1500, 1600, 1700])]})
    (row,) = report.build_rows([THROUGHPUT], per_server)
    assert row["best_peer"] == {"server": "pure-ftpd", "value": 1600}
    assert row["values"]["vsftpd"] is None
    assert row["ratio"] is None
    assert report.spread_lines([row]) == []


def test_the_spread_is_the_lowest_and_highest_run_of_each_server():
    per_server = servers(
        pure_ftpd={"retr": [result("retr", [4850, 2327, 3674], [0.6, 0.9, 0.7])]},
        proftpd={"retr": [result("retr", [2000])]},  # one run: no spread
        fleetftp={"retr": [result("retr", [2687, 2400, 2693], [0.3, 0.2, 0.4])]})
    rows = report.build_rows([THROUGHPUT, CPU], per_server)
    assert rows[0]["spread"] == {"pure-ftpd": [2327, 4850], "fleetftp": [2400, 2693]}
    assert rows[1]["spread"] == {"pure-ftpd": [0.6, 0.9], "fleetftp": [0.2, 0.4]}
    assert report.spread_lines(rows) == [
        "- RETR, MB/s: pure-ftpd 2,327–4,850; fleetftp 2,400–2,693",
        "- server CPU s/GB, RETR: pure-ftpd 0.60–0.90; fleetftp 0.20–0.40",
    ]
    # The spread goes into results.json with the rest of the row.
    assert "spread" in report.for_json(rows)[0]
