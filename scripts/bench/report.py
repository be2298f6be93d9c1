"""The comparison table: one row per measured quantity, one column per
server, the best peer, fleetftp, and fleetftp's ratio to the best peer.

The ratio is oriented so that above 1 always means fleetftp is better:
fleetftp/best for higher-is-better rows (throughput, rates) and
best/fleetftp for lower-is-better rows (memory, time, CPU cost)."""
from __future__ import annotations

from dataclasses import dataclass

PEERS = ["vsftpd", "pure-ftpd", "proftpd", "pyftpdlib"]
FLEET = "fleetftp"


@dataclass
class Row:
    label: str
    invocation: str        # which run of the bench tool produced it
    scenario: str          # the result's scenario name in that run's JSON
    field: str             # "median" or the name of a median extra
    higher_is_better: bool
    anonymous: bool        # every server logged in anonymously (else with the password user)


@dataclass
class Cell:
    value: float | None
    note: str = ""         # "n/a (...)", "n=812", ...


def find_result(results: dict, invocation: str, scenario: str) -> dict | None:
    for r in results.get(invocation, []):
        if r.get("scenario") == scenario:
            return r
    return None


def cell_for(results: dict, row: Row) -> Cell:
    r = find_result(results, row.invocation, row.scenario)
    if r is None:
        return Cell(None, "not run")
    if r.get("median") is None:
        return Cell(None, "n/a")
    value = r["median"] if row.field == "median" else r.get("median_extra", {}).get(row.field)
    if value is None:
        return Cell(None, "n/a")
    note = ""
    params = r.get("parameters", {})
    if row.invocation == "idle":
        opened = r.get("median_extra", {}).get("sessions_open")
        wanted = int(params.get("sessions", "0"))
        if opened is not None and int(opened) < wanted:
            note = f"n={int(opened)}"
    if r.get("error") and row.field == "median":
        note = (note + " " if note else "") + "partial"
    return Cell(float(value), note)


def run_values(results: dict, row: Row) -> list[float]:
    """The row's quantity in each run behind its median."""
    r = find_result(results, row.invocation, row.scenario)
    values = []
    for run in (r or {}).get("runs", []):
        v = run.get("value") if row.field == "median" else run.get("extra", {}).get(row.field)
        if v is not None:
            values.append(float(v))
    return values


def fmt(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def show(cell: Cell) -> str:
    if cell.value is None:
        return cell.note or "n/a"
    text = fmt(cell.value)
    return text + (" " + cell.note if cell.note else "")


def build_rows(rows: list[Row], per_server: dict[str, dict]) -> list[dict]:
    """Values, best peer and ratio for every row, as plain data (also
    written to results.json)."""
    out = []
    for row in rows:
        cells = {name: cell_for(per_server.get(name, {}), row) for name in PEERS + [FLEET]}
        runs = {name: run_values(per_server.get(name, {}), row) for name in PEERS + [FLEET]}
        measured = [(cells[p].value, p) for p in PEERS if cells[p].value is not None]
        best = None
        if measured:
            best = max(measured) if row.higher_is_better else min(measured)
        fleet = cells[FLEET].value
        ratio = None
        if best is not None and fleet is not None and best[0] > 0 and fleet > 0:
            ratio = fleet / best[0] if row.higher_is_better else best[0] / fleet
        out.append({
            "row": row.label,
            "higher_is_better": row.higher_is_better,
            "values": {k: c.value for k, c in cells.items()},
            "notes": {k: c.note for k, c in cells.items() if c.note},
            "best_peer": None if best is None else {"server": best[1], "value": best[0]},
            "ratio": ratio,
            "spread": {name: [min(v), max(v)] for name, v in runs.items() if len(v) > 1},
            "_cells": cells,
        })
    return out


def markdown(table: list[dict], present: list[str]) -> str:
    header = ["scenario"] + PEERS + ["best peer", "fleetftp", "ratio"]
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    for t in table:
        cells = t["_cells"]
        row = [t["row"] + (" ↑" if t["higher_is_better"] else " ↓")]
        for p in PEERS:
            row.append(show(cells[p]) if p in present else "not run")
        best = t["best_peer"]
        row.append("n/a" if best is None else f"{fmt(best['value'])} ({best['server']})")
        row.append(show(cells[FLEET]) if FLEET in present else "not run")
        row.append("n/a" if t["ratio"] is None else f"{t['ratio']:.2f}")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def spread_lines(table: list[dict]) -> list[str]:
    """Lowest and highest run of the best peer and of fleetftp on each row
    with a ratio: a ratio near 1 means little when the two ranges overlap,
    and one server's slow run shows here rather than only in the JSON."""
    lines = []
    for t in table:
        best = t["best_peer"]
        spread = t["spread"]
        if t["ratio"] is None or best["server"] not in spread or FLEET not in spread:
            continue
        ranges = "; ".join(f"{name} {fmt(spread[name][0])}–{fmt(spread[name][1])}" for name in (best["server"], FLEET))
        lines.append(f"- {t['row']}: {ranges}")
    return lines


def failures(per_server: dict[str, dict]) -> list[str]:
    """One line per bench-tool run that failed or was cut short, with the
    tool's own words: a cell reading n/a or "partial" is explained in
    results.md itself, not only in a console log that may be gone."""
    lines = []
    for server, runs in per_server.items():
        for key, results in runs.items():
            for r in results:
                if r.get("error"):
                    what = key if r.get("scenario") in (None, key) else f"{key} ({r['scenario']})"
                    lines.append(f"- {server} {what}: {r['error']}")
    return lines


def for_json(table: list[dict]) -> list[dict]:
    return [{k: v for k, v in t.items() if not k.startswith("_")} for t in table]
