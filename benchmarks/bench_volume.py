"""Benchmark: `dossier render volume` on a 1,000-item volume, against WeasyPrint rendering the
same volume as one HTML document.

    python benchmarks/bench_volume.py

Generates (once) benchmarks/out/volume-bench: a synthetic archive (benchmarks/synthetic_archive.py)
of about 15,000 items whose category 2 (contracts and agreements), 2025, is trimmed to exactly
1,000 filed items, one in twenty with a scanned attachment (signed contracts as 2-page PDFs,
agreements as PNG scans), volume_max_pages raised so that they make one volume, committed to a
git repository of its own (each run starts from it as generated). Then times, in one run, each
in a child process:

  baseline  the same volume as ONE HTML document: the cover, the contents, every item's HTML (the
            same templates and stylesheet: each item and image scan on pages of its own, a blank
            page per page of a PDF scan), the 备考表; one WeasyPrint write_pdf, the items' pages
            numbered by CSS (counter(page) in @top-right); then each PDF scan's pages drawn onto
            their blank pages (pypdf). The contents' page ranges are left as placeholders of the
            same width (one HTML document knows them only by laying out twice: target-counter),
            so the baseline does a little less than dossier does.
  cold      `dossier render volume 2 2025` with an empty render cache (its folder removed)
  one item  the same command after one item's title changed, everything else cached: first before
            the change is committed, then after (a draft volume's contents name the repository's
            head commit in every row, so a new commit renders all the contents' pages again)
  warm      the same command again, nothing changed

Every run is a child process, timed end to end (Python's start included). Memory: the largest
resident set of the child or any of its own children (os.wait4: ru_maxrss), and the largest sum
of the resident sets of the child and its children at one time (sampled every 0.25 s; pages the
workers share with the parent after fork() count once per process, so this overstates).

Baseline and cold runs are taken in turn (--rounds, default 2), each after waiting (up to
--patience seconds) for a 1-minute load average under 1.5: the machine and its two cores are
shared, and what others run meanwhile shows in the load at the end of each run (a run's own
processes count: about 1 for the baseline, 2 for dossier). Prints a Markdown table for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tool"))

from dossier.paper.render.cache import cache_folder  # noqa: E402 - the tool's source is on sys.path from here

ARCHIVE_ITEMS = 15_000  # the archive; category 2 of 2025 then holds a little over VOLUME_ITEMS
CATEGORY, YEAR, VOLUME_ITEMS = "2", 2025, 1_000
ATTACHMENT_SHARE = 0.05  # of items with a scan (the generator's default, 0.005, gives about 5 in 1,000)
SEED = 2025
GIT_ENV = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
ARCHIVIST = "li.na@longcheng-club.cn"  # the sales manager: may read every item, so may print the volume


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, env=GIT_ENV, check=True, stdout=subprocess.DEVNULL)


def generate(root: Path) -> None:
    """The synthetic archive, its volume trimmed to VOLUME_ITEMS items, committed."""
    import synthetic_archive

    shutil.rmtree(root, ignore_errors=True)
    synthetic_archive.ATTACHMENT_SHARE = ATTACHMENT_SHARE
    synthetic_archive.write_synthetic(root, ARCHIVE_ITEMS, SEED, HERE.parent / "archive")
    trim(root / "records" / CATEGORY / str(YEAR), VOLUME_ITEMS)
    settings = root / "archive.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(re.sub(r"(?m)^volume_max_pages: \d+", "volume_max_pages: 100000", text), encoding="utf-8")
    (root / ".gitignore").write_text(".dossier/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    for key, value in (("user.email", ARCHIVIST), ("user.name", "li.na"), ("commit.gpgsign", "false")):
        git(root, "config", key, value)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "archive")


def trim(folder: Path, keep: int) -> None:
    """Remove the last items (highest serials, so no gaps) of the largest sections, with their
    attachments, until `keep` items are left."""
    sections: dict[str, list[Path]] = {}
    for path in sorted(folder.glob("*.yaml")):
        sections.setdefault(path.stem.rsplit("-", 1)[0], []).append(path)
    count = sum(len(paths) for paths in sections.values())
    if count < keep:
        raise SystemExit(f"{folder} holds only {count} items; raise ARCHIVE_ITEMS")
    for _ in range(count - keep):
        largest = max(sections.values(), key=len)
        path = largest.pop()
        for scan in folder.glob(f"{path.stem}.scan*"):
            scan.unlink()
        path.unlink()


# --- the baseline: one HTML document ----------------------------------------------------------------

BASELINE_CSS = """
@page body { @top-right { content: counter(page); font: 12pt Helvetica, sans-serif; margin-top: 6mm; } }
@page :nth(1 of body) { counter-reset: page 1 }
.volume-body { page: body }
section.volume-item { break-before: page }
section.volume-back { break-before: page }
section.scan-page { break-before: page; height: 10mm }
"""


def baseline(root: Path, out: Path) -> None:
    """Render the volume as one HTML document (see the module's docstring); runs in a child."""
    from markupsafe import Markup
    from weasyprint import CSS, HTML, URLFetcher

    from dossier.paper import volumes as vol
    from dossier.archive.config import open_archive
    from dossier.paper.render import STYLESHEET
    from dossier.paper.render.items import Context
    from dossier.paper.render.volume import matter

    archive = open_archive(root)
    context = Context(archive)
    volume = vol.plan(archive, CATEGORY, YEAR, lambda pieces: [setattr(p, "pages", 1) for p in pieces]).volumes[0]
    storage = vol.storage(root, None, [p.path for p in volume.pieces])
    values = matter(context, volume, storage)
    for row in values["rows"]:
        if "index" in row:
            row["pages"] = Markup("0000–0000")
    env = context.env
    parts = [_body(env.get_template("cover.html").render(**values)),
             _body(env.get_template("contents.html").render(**values, first=True)), '<div class="volume-body">']
    scans = []  # (anchor, attachment PDF path, page index in it)
    for index, piece in enumerate(volume.pieces):
        item = _body(context.item_html(piece))
        for attachment in piece.attachments:
            if attachment.kind == "pdf" and not attachment.problem:
                for page in range(attachment.pages):
                    anchor = f"scan-{index}-{attachment.name}-{page}"
                    scans.append((anchor, root / attachment.path, page))
                    item += f'<section class="scan-page" id="{anchor}"></section>'
        parts.append(f'<section class="volume-item">{item}</section>')
    parts.append(f'</div><section class="volume-back">{_body(env.get_template("back.html").render(**values))}</section>')
    html = '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>' + "".join(parts) + \
        "</body></html>"
    fetcher = URLFetcher(allowed_protocols={"file"})
    document = HTML(string=html, base_url=(root / volume.pieces[0].path).parent.as_uri() + "/",
                    url_fetcher=fetcher).render(stylesheets=[CSS(string=STYLESHEET.read_text(encoding="utf-8") +
                                                                  BASELINE_CSS, url_fetcher=fetcher)])
    pdf = document.write_pdf()
    anchors = {name: number for number, page in enumerate(document.pages) for name in page.anchors}
    out.write_bytes(_draw_scans(pdf, [(anchors[a], path, page) for a, path, page in scans]))


def _body(html: str) -> str:
    return html.split("<body>", 1)[1].rsplit("</body>", 1)[0]


def _draw_scans(pdf: bytes, scans: list[tuple[int, Path, int]]) -> bytes:
    """Each PDF scan page drawn onto its blank page, scaled to fit (as dossier fits them to A4)."""
    import io

    from pypdf import PdfReader, PdfWriter, Transformation

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for number, path, index in scans:
        scan = PdfReader(path).pages[index]
        target = writer.pages[number]
        width, height = float(scan.mediabox.width), float(scan.mediabox.height)
        scale = min(float(target.mediabox.width) / width, float(target.mediabox.height) / height)
        target.merge_transformed_page(scan, Transformation().scale(scale, scale))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- timing -------------------------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    seconds: float
    status: int
    cpu: float  # user + system seconds of the child and its children
    largest: float  # MiB: the largest resident set of the child or one of its children
    together: float  # MiB: the largest sum of the resident sets of the child and its children at one time
    load: float  # 1-minute load average when it started
    load_end: float  # and when it ended (its own processes count: about 1 for the baseline, 2 for dossier)


def quiet(limit: float, patience: float) -> None:
    """Wait (up to `patience` seconds) until the 1-minute load average is under `limit`: the
    machine is shared, and so are its two cores."""
    deadline = time.monotonic() + patience
    while os.getloadavg()[0] >= limit and time.monotonic() < deadline:
        time.sleep(15)


def measure(name: str, cmd: list[str], cwd: Path, limit: float = 1.5, patience: float = 0) -> Run:
    import threading

    quiet(limit, patience)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=cwd, env=GIT_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.25):
            peak[0] = max(peak[0], tree_rss(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    code = os.waitstatus_to_exitcode(status)
    if code:
        print(err.decode("utf-8", "replace")[-2000:], file=sys.stderr)
    print(f"{name}: {seconds:.1f} s (load {load:.2f} → {os.getloadavg()[0]:.2f})", file=sys.stderr)
    return Run(name, seconds, code, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, peak[0] / 1024, load,
               os.getloadavg()[0])


def tree_rss(pid: int) -> int:
    """KiB resident in process `pid` and its descendants (from /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
    tree = {pid}
    grown = True
    while grown:
        grown = False
        for child, parent in parents.items():
            if parent in tree and child not in tree:
                tree.add(child)
                grown = True
    return sum(rss.get(p, 0) for p in tree)


def change_one_item(root: Path) -> str:
    """Change the title of an item in the middle of the volume (not committed); its code."""
    folder = root / "records" / CATEGORY / str(YEAR)
    path = sorted(folder.glob("*.yaml"))[VOLUME_ITEMS // 2]
    text = path.read_text(encoding="utf-8")
    changed = re.sub(r"(?m)^title: (.*)$", lambda m: f"title: {m.group(1)}（修订）", text, count=1)
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    return path.stem


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--rounds", type=int, default=2, help="baseline and cold runs, taken in turn")
    parser.add_argument("--patience", type=float, default=300,
                        help="seconds to wait before each baseline or cold run for a 1-minute load under 1.5")
    parser.add_argument("--baseline", nargs=2, type=Path, metavar=("ARCHIVE", "PDF"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:
        baseline(*args.baseline)
        return
    root = args.out / "volume-bench"
    if not (root / ".git").is_dir():
        print(f"generating {root} …", file=sys.stderr)
        generate(root)
    first = subprocess.run(["git", "rev-list", "--max-parents=0", "HEAD"], cwd=root, env=GIT_ENV, check=True,
                           capture_output=True, text=True).stdout.split()[0]
    git(root, "reset", "-q", "--hard", first)  # as generated: earlier runs changed and committed an item
    output = args.out / "volume-bench-pdf"
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    python = sys.executable
    render = [python, "-m", "dossier", "render", "volume", CATEGORY, str(YEAR), "--output", str(output)]
    one_html = [python, str(Path(__file__).resolve()), "--baseline", str(root), str(output / "baseline.pdf")]
    started = dt.datetime.now()
    rounds = []
    for _ in range(args.rounds):  # in turn, so that a busy spell of the machine falls on both
        base = measure("one HTML document, one WeasyPrint write_pdf (baseline)", one_html, HERE.parent,
                       patience=args.patience)
        shutil.rmtree(cache_folder(root), ignore_errors=True)
        rounds.append((base, measure("`dossier render volume`, cold (empty render cache)", render, root,
                                     patience=args.patience)))
    fastest = min(base.seconds for base, _ in rounds)
    code = change_one_item(root)
    warm = [measure(f"`dossier render volume`, one item changed ({code}: its title), not committed yet", render,
                    root)]
    git(root, "commit", "-q", "-am", f"Revise the title of {code}")
    warm.append(measure("`dossier render volume`, that change committed (every contents row names the new commit)",
                        render, root))
    warm.append(measure("`dossier render volume`, nothing changed", render, root))
    volume = next(output.glob("Z*.pdf"))
    cache = sum(p.stat().st_size for p in cache_folder(root).rglob("*") if p.is_file())
    print(f"\n{VOLUME_ITEMS} items in one volume ({volume.name}: {volume.stat().st_size / 1_048_576:.1f} MiB; the "
          f"baseline's PDF {(output / 'baseline.pdf').stat().st_size / 1_048_576:.1f} MiB; render cache "
          f"{cache / 1_048_576:.0f} MiB); {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{started:%Y-%m-%d %H:%M}–{dt.datetime.now():%H:%M}\n")
    print("| run | load at start → end | seconds | CPU seconds | ratio to the baseline | largest process MiB "
          "| all processes MiB |\n|---|---:|---:|---:|---:|---:|---:|")
    for number, (base, cold) in enumerate(rounds, 1):
        for run, ratio in ((base, "1.0"), (cold, f"{base.seconds / cold.seconds:.2f}× faster")):
            print(_row(run, ratio, f" (round {number})"))
    for run in warm:
        print(_row(run, f"{fastest / run.seconds:.1f}× faster (fastest baseline)"))


def _row(run: Run, ratio: str, suffix: str = "") -> str:
    failed = f" (exit {run.status})" if run.status else ""
    return (f"| {run.name}{suffix}{failed} | {run.load:.2f} → {run.load_end:.2f} | {run.seconds:.1f} | {run.cpu:.1f} | "
            f"{ratio} | "
            f"{run.largest:.0f} | {run.together:.0f} |")


if __name__ == "__main__":
    main()
