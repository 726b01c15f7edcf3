"""Take the README's screenshots of the web interface: analyse examples/corpus, serve it, shoot.

    PYTHONPATH=src python scripts/screenshots.py [--out docs/screenshots]

Needs Debian's chromium and chromium-driver, and selenium (the dev extra). Re-run it when the
pages or the pipeline change; it writes stories.png, story.png and article.png.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def shoot(driver, url: str, path: Path, max_height: int = 2600, click: str | None = None) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    driver.set_window_size(1280, 900)
    driver.get(url)
    if click:
        driver.find_element(By.CSS_SELECTOR, click).click()
        driver.execute_script("window.scrollTo(0, 0)")
    height = min(max_height, int(driver.execute_script("return document.documentElement.scrollHeight")) + 20)
    driver.set_window_size(1280, max(height, 600))
    time.sleep(0.3)
    driver.save_screenshot(str(path))
    print(f"wrote {path} ({url})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--corpus", type=Path, default=ROOT / "examples" / "corpus")
    args = ap.parse_args()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    work = Path(tempfile.mkdtemp(prefix="newsprism-shots-"))
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    db = work / "newsprism.db"
    corpus = args.corpus.resolve()
    shown = corpus.relative_to(ROOT) if corpus.is_relative_to(ROOT) else corpus  # inputs as a user types them
    subprocess.run([sys.executable, "-m", "newsprism.cli", "analyze", str(shown), "--db", str(db),
                    "--out", str(work / "out"), "--quiet"], env=env, check=False, cwd=ROOT)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "newsprism.cli", "serve", "--db", str(db), "--port", str(port)],
                              env=env)
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--hide-scrollbars",
                f"--user-data-dir={work / 'profile'}"):
        opts.add_argument(arg)
    driver = None
    try:
        for _ in range(100):
            try:
                get_json(base + "/api/runs")
                break
            except OSError:
                time.sleep(0.2)
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
        args.out.mkdir(parents=True, exist_ok=True)
        story = get_json(base + "/api/stories?per_page=1")["items"][0]
        detail = get_json(f"{base}/api/stories/{story['id']}")
        article = max(detail["articles"], key=lambda a: len(a.get("removed") or []))
        shoot(driver, base + "/", args.out / "stories.png")
        shoot(driver, f"{base}/stories/{story['id']}", args.out / "story.png")
        shoot(driver, f"{base}/articles/{article['id']}", args.out / "article.png", click="details#removed summary")
    finally:
        if driver is not None:
            driver.quit()
        server.terminate()
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
