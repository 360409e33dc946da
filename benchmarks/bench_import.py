"""Benchmark: importing a 10,000-row customer management sheet 客户管理表 (issue 7).

    python benchmarks/bench_import.py [--rows 10000] [--runs 3] [--out DIR] [--before TOOL] [--import-only]

People come from a synthetic archive (benchmarks/generate_archive.py --items 1000, made
unless it exists): its archive.yaml, people.yaml, access.yaml and schemas/ are copied into a
fresh git repository without customers, and a sheet of --rows customers is generated
(deterministic; every column of the default mapping filled, Chinese texts, amounts, dates,
业务员 by name). Card ids are given in the sheet (C0000 …): the id pattern C + 4 digits holds
10,000 cards, and new rows without an id are numbered from C0001.

Times, in one session and on the same files; --runs times interleaved (each run its own
fresh archive), then once:
  baseline    openpyxl reading the same sheet (read-only mode, every cell's value), each run: the
              baseline the target of issue 18 names (import ≤ 2.5× of it)
  calamine    python-calamine reading the same sheet (every cell's value), each run: the reader the
              import uses since issue 18, a second baseline (what is left beside the read)
  dry run     dossier import customers --dry-run (read, convert, build and validate every card)
  import      dossier import customers: the above, write 10,000 cards, one commit
  before      with --before TOOL (the tool/ folder of an earlier commit, e.g. from
              `git archive REV tool | tar -x -C DIR`): the same import by that code
  the write alone, in this process, on the 10,000 cards the import wrote (issue 18 point 5):
    floor       the files created, nothing flushed, no git
    one by one  each file written aside, fsynced and renamed (fsutil.atomic_write_bytes), then
                `git add` and `git commit`: how import wrote them before issue 18
    operation   transaction.Operation: blobs streamed to git, one commit, three flushes (import,
                bind and every other command that commits)
    work tree   transaction.write_work_tree: the same, no commit (how rekey writes)
  csv read    the csv module reading the same sheet saved as csv (once)
  re-import   the same sheet again: every card compared, nothing written, no commit (once)
  one change  the sheet with one changed cell, --reason: one card rewritten and committed (once)
  csv import  the csv into a second fresh archive (once)
  export      dossier export customers (xlsx) of the 10,000 cards (once)
With --import-only, each run is the baseline, the dry run, the import (and before) and the
baseline again, whose mean is the run's baseline; nothing else is timed. It prints a Markdown table: the median seconds, and the median of each run's ratio to that
run's baseline (the machine may be shared: a ratio within a run is what compares). The dossier
runs are separate processes, as a user runs them (Python start and imports included).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CALAMINE = "python-calamine reads the sheet (second baseline)"
ITEMS = 1000
HEADER = ["客户编号", "客户名称", "简称", "联系人", "联系人职务", "联系人电话", "电话", "地址", "国家/地区", "区域", "线路",
          "行业", "客户性质", "客户等级", "客户类别", "客户类型", "业务员", "信用额度", "付款方式", "外销",
          "首次交易日期", "状态", "备注"]
CITIES = ["太原", "大同", "晋中", "长治", "临汾", "运城", "吕梁", "忻州", "阳泉", "晋城"]
TRADES = [("煤炭电力能源", "能源"), ("银行", "金融"), ("房地产", "地产"), ("批发零售", "商贸"), ("政府机关", "机关"),
          ("餐饮服务", "餐饮"), ("物流运输", "物流"), ("医药卫生", "医药"), ("教育培训", "教育"), ("制造业", "制造")]
NATURES = ["政府机构", "特殊公司", "一般公司", "个人", "合作伙伴"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
DISTRICTS = ["小店区", "迎泽区", "杏花岭区", "尖草坪区", "万柏林区", "晋源区"]
ROUTES = ["东线", "南线", "西线", "北线", "中线"]


def synthetic_people(out: Path) -> Path:
    root = out / f"archive-{ITEMS}"
    if not (root / "people.yaml").exists():
        generator = [sys.executable, str(HERE / "generate_archive.py"), "--items", str(ITEMS), str(root)]
        subprocess.run(generator, check=True)
    return root


def fresh_archive(source: Path, target: Path) -> Path:
    """archive.yaml, people.yaml, access.yaml and schemas/ of `source`, in a new git repository
    (without automatic gc: a `git gc --auto` left running after a 10,000-file commit writes into
    the repository while the next run removes it, and takes a core from the runs measured)."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in ("archive.yaml", "people.yaml", "access.yaml"):
        if (source / name).exists():
            shutil.copy(source / name, target / name)
    shutil.copytree(source / "schemas", target / "schemas")
    (target / ".gitignore").write_text(".dossier/\n")
    for args in (["init", "-q", "-b", "main"], ["config", "user.email", sales_manager(target)],
                 ["config", "user.name", "bench"], ["config", "commit.gpgsign", "false"],
                 ["config", "gc.auto", "0"], ["add", "-A"],
                 ["commit", "-q", "-m", "Initial archive"]):
        subprocess.run(["git", *args], cwd=target, check=True, capture_output=True)
    return target


def sales_manager(root: Path) -> str:
    """The email of the person importing: the sales manager, who may write every customer's card."""
    import yaml

    people = yaml.safe_load((root / "people.yaml").read_text(encoding="utf-8"))["people"]
    return next(p["email"] for p in people if "sales_manager" in p.get("roles", ()))


def managers(root: Path) -> list[str]:
    import yaml

    people = yaml.safe_load((root / "people.yaml").read_text(encoding="utf-8"))["people"]
    names = [p["name"] for p in people if "customer_manager" in p.get("roles", ())]
    return [n for n in names if names.count(n) == 1]  # a name that names one person only


def sheet_rows(count: int, names: list[str], seed: int = 7) -> list[list]:
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        trade, short = rng.choice(TRADES)
        city = rng.choice(CITIES)
        person = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        export = rng.random() < 0.05
        rows.append([
            f"C{index:04d}",
            f"{city}{short}{index:05d}{'有限公司' if rng.random() < 0.8 else '集团'}",
            f"{city}{short}{index}",
            person,
            rng.choice(["总经理", "行政经理", "办公室主任", "采购经理", "财务经理"]),
            f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}",
            f"0351-{rng.randrange(1000000, 9999999)}",
            f"{city}市{rng.choice(DISTRICTS)}{rng.choice(['迎泽大街', '长风街', '并州路', '漪汾街'])}{rng.randrange(1, 400)}号",
            rng.choice(["德国", "日本", "韩国", "美国"]) if export else "中国",
            rng.choice(DISTRICTS),
            rng.choice(ROUTES),
            trade,
            rng.choice(NATURES),
            rng.choice("ABCDE"),
            rng.choice(["主要客户", "一般客户", "分散客户"]),
            rng.choice(["现有客户", "新客户", "潜在客户"]),
            rng.choice(names),
            rng.randrange(0, 100) * 10000 if rng.random() < 0.7 else None,
            "T/T 60天" if export else rng.choice(["签单挂账，月结30天", "现金", "转账"]),
            "是" if export else "否",
            dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 3650)),
            "在册",
            "基准测试生成" if rng.random() < 0.1 else None,
        ])
    return rows


def write_sheets(rows: list[list], folder: Path) -> tuple[Path, Path]:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("客户管理表")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    xlsx = folder / "客户管理表.xlsx"
    workbook.save(xlsx)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, dt.date) else v for v in row])
    path = folder / "客户管理表.csv"
    path.write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))
    return xlsx, path


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def read_with_openpyxl(path: Path) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for row in workbook["客户管理表"].iter_rows(values_only=True) for _ in row)
    workbook.close()
    return count


def read_with_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("客户管理表")
    return sum(1 for row in sheet.to_python(skip_empty_area=False) for _ in row)


def read_with_csv(path: Path) -> int:
    return sum(len(row) for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def dossier(root: Path, *args: str, tool: Path | None = None) -> tuple[float, int]:
    env = {**os.environ, "DOSSIER_TODAY": "2026-11-23", **({"PYTHONPATH": str(tool)} if tool else {})}
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "dossier", "--archive", str(root), *args, "--lang", "en"],
                            env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        print(result.stdout[-2000:], result.stderr[-2000:], file=sys.stderr)
    return seconds, result.returncode


def cards_of(root: Path) -> dict[str, bytes]:
    return {f"customers/{path.name}": path.read_bytes() for path in sorted((root / "customers").glob("*.yaml"))}


def create_files(root: Path, files: dict[str, bytes]) -> None:
    """The floor of any way of writing them: each file created and written, nothing flushed."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def write_one_by_one(root: Path, files: dict[str, bytes]) -> None:
    """How import wrote before issue 18: one atomic write (fsync, rename) per file, `git add`
    hashing them again, `git commit`."""
    from dossier.archive.fsutil import atomic_write_bytes

    for rel, data in files.items():
        atomic_write_bytes(root / rel, data)
    for args in (["add", "--", "customers"], ["commit", "-q", "-m", "Import (one by one)"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def write_as_operation(root: Path, files: dict[str, bytes]) -> None:
    from dossier.git.transaction import Operation

    operation = Operation(root, "import")
    for rel, data in files.items():
        operation.write(rel, data)
    operation.commit("Import (operation)", [("Dossier-Action", "import")])


def write_work_tree(root: Path, files: dict[str, bytes]) -> None:
    from dossier.git import transaction

    transaction.write_work_tree(root, "rekey", files)


WRITERS = [("the write alone, floor: the files created, nothing flushed, no git", create_files),
           ("the write alone, one by one: fsync and rename each, `git add`, `git commit` (before)", write_one_by_one),
           ("the write alone, transaction.Operation: one stream to git, one commit, 3 flushes (now)",
            write_as_operation),
           ("the write alone, transaction.write_work_tree: the same without a commit (rekey's way)", write_work_tree)]


def interleaved_run(number: int, source: Path, work: Path, xlsx: Path, results: dict[str, list],
                    before: Path | None, import_only: bool = False) -> Path:
    """One run of the rows measured each time, the baseline first, each on a fresh archive."""
    baseline = results.setdefault("openpyxl reads the sheet (baseline)", [])
    seconds, _ = timed(lambda: read_with_openpyxl(xlsx))
    results.setdefault(CALAMINE, []).append((timed(lambda: read_with_calamine(xlsx))[0], 0))
    root = fresh_archive(source, work / f"archive-{number}")
    results.setdefault("`dossier import customers --dry-run`", []).append(
        dossier(root, "import", "customers", str(xlsx), "--dry-run"))
    now = "`dossier import customers` (10,000 new cards, one commit)"
    results.setdefault(now, [])
    if before:
        earlier = fresh_archive(source, work / f"before-{number}")
        then = f"`dossier import customers`, the tool of {before} (before)"
        # every other run the earlier tool goes first: the file system is slower just after many
        # files were removed, and neither import should always follow the removal
        for name, args in sorted([(now, (root,)), (then, (earlier,))], reverse=number % 2 == 1):
            results.setdefault(name, []).append(dossier(*args, "import", "customers", str(xlsx),
                                                        tool=before if name == then else None))
        shutil.rmtree(earlier)
    else:
        results[now].append(dossier(root, "import", "customers", str(xlsx)))
    if import_only:  # the baseline read again after the commands: the run's is the mean of both
        seconds = (seconds + timed(lambda: read_with_openpyxl(xlsx))[0]) / 2
    baseline.append((seconds, 0))
    if import_only:
        return root
    files = cards_of(root)
    for name, writer in WRITERS:
        target = fresh_archive(source, work / f"write-{number}")
        seconds, _ = timed(lambda: writer(target, files))
        results.setdefault(name, []).append((seconds, 0))
    shutil.rmtree(work / f"write-{number}")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--before", type=Path, help="the tool/ folder of an earlier version, timed too")
    parser.add_argument("--import-only", action="store_true",
                        help="time only the baseline (before and after), the dry run, the import and --before")
    args = parser.parse_args()
    if args.rows > 10_000:
        parser.error("--rows: at most 10,000 (the id pattern C + 4 digits)")
    source = synthetic_people(args.out)
    work = args.out / f"import-{args.rows}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    names = managers(fresh_archive(source, work / "archive"))
    rows = sheet_rows(args.rows, names)
    xlsx, csv_path = write_sheets(rows, work)

    results: dict[str, list[tuple[float, int]]] = {}
    loads = [os.getloadavg()[0]]
    for number in range(args.runs):
        root = interleaved_run(number, source, work, xlsx, results, args.before, args.import_only)
        loads.append(os.getloadavg()[0])
        base = results["openpyxl reads the sheet (baseline)"][-1][0]
        print(f"run {number + 1}: " + "; ".join(f"{name}: {measured[-1][0]:.2f} s ({measured[-1][0] / base:.2f}×)"
                                                for name, measured in results.items())
              + f"; load {loads[-1]:.1f}", file=sys.stderr, flush=True)  # a long session shows each run as it ends
    cells = read_with_openpyxl(xlsx)
    if not args.import_only:
        once_more(results, root, source, work, xlsx, csv_path)
    report(args, results, loads, root, cells, names, xlsx)


def once_more(results: dict[str, list], root: Path, source: Path, work: Path, xlsx: Path, csv_path: Path) -> None:
    """The rows measured once, after the runs."""
    once = results.setdefault
    once("csv module reads the same sheet as csv", []).append((timed(lambda: read_with_csv(csv_path))[0], 0))
    once("`dossier import customers` again (no change, no commit)", []).append(
        dossier(root, "import", "customers", str(xlsx)))
    from openpyxl import load_workbook

    workbook = load_workbook(xlsx)
    workbook["客户管理表"]["N5000"] = "A" if workbook["客户管理表"]["N5000"].value != "A" else "B"
    changed = work / "客户管理表-changed.xlsx"
    workbook.save(changed)
    once("`dossier import customers` with one changed cell (--reason)", []).append(
        dossier(root, "import", "customers", str(changed), "--reason", "基准测试"))
    second = fresh_archive(source, work / "archive-csv")
    once("`dossier import customers` from the csv (fresh archive)", []).append(
        dossier(second, "import", "customers", str(csv_path)))
    once("`dossier export customers` (xlsx)", []).append(
        dossier(root, "export", "customers", "--output", str(work / "export")))


def report(args, results: dict[str, list], loads: list[float], root: Path, cells: int, names: list[str],
           xlsx: Path) -> None:
    last_baseline, _ = timed(lambda: read_with_openpyxl(xlsx))
    baselines = [seconds for seconds, _ in results["openpyxl reads the sheet (baseline)"]]
    loads.append(os.getloadavg()[0])
    commits = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=root, capture_output=True, text=True)
    cards = len(list((root / "customers").glob("*.yaml")))
    print(f"{args.rows} rows × {len(HEADER)} columns ({cells} cells); {cards} cards, {commits.stdout.strip()} commits "
          f"in the archive; people from a {ITEMS}-item synthetic archive ({len(names)} managers by name); "
          f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, {dt.date.today()}; "
          f"{args.runs} interleaved run(s), baselines {', '.join(f'{b:.2f}' for b in baselines)} s "
          f"({last_baseline:.2f} s at the end); 1-minute load {', '.join(f'{x:.1f}' for x in loads)} "
          f"(start, after each run, end)")
    print("| run | median seconds | exit | median ratio to the run's baseline | to the run's calamine read |\n"
          "|---|---:|---:|---:|---:|")
    reads = [seconds for seconds, _ in results[CALAMINE]]
    for name, measured in results.items():
        seconds = statistics.median(s for s, _ in measured)
        codes = ",".join(sorted({str(code) for _, code in measured}))
        print(f"| {name} | {seconds:.2f} | {codes} | {median_ratio(measured, baselines):.2f}× "
              f"| {median_ratio(measured, reads):.1f}× |")


def median_ratio(measured: list[tuple[float, int]], baselines: list[float]) -> float:
    """The median of each run's ratio to that run's baseline (a row measured once: to their median)."""
    against = baselines if len(measured) > 1 else [statistics.median(baselines)]
    return statistics.median(s / b for (s, _), b in zip(measured, against))


if __name__ == "__main__":
    main()
