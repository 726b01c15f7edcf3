from __future__ import annotations

import re
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from newsprism.cli import app as cli_app
from newsprism.store import Store, fts_query
from newsprism.web import create_app
from newsprism.web.views import reason_help
from web_corpus import STORY, XSS_STORY, build_store

TOKEN = "test-token-Zq81"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return build_store(tmp_path / "web.db")


@pytest.fixture
def client(db: Path) -> TestClient:
    return TestClient(create_app(db))


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/", f"/stories/{STORY}", "/articles/a_tribune", "/api/stories", "/api/stories/nope",
                 "/static/style.css", "/nowhere"):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text = ""
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_text += data


def test_pages_have_no_inline_script_and_no_injected_elements(client: TestClient) -> None:
    for path in ("/", f"/stories/{STORY}", f"/stories/{XSS_STORY}", "/articles/a_xss", "/?q=dam"):
        parser = _Tags()
        parser.feed(client.get(path).text)
        scripts = [a for t, a in parser.tags if t == "script"]
        assert scripts == [{"src": "/static/app.js", "defer": None}] and parser.script_text == "", path
        assert not [t for t, _ in parser.tags if t in ("img", "b", "i", "iframe", "object")], path
        assert not [(t, k) for t, a in parser.tags for k in a if k.startswith("on")], path


def test_xss_payloads_come_back_escaped(client: TestClient) -> None:
    for path in (f"/stories/{XSS_STORY}", "/articles/a_xss", "/?q=dam", "/"):
        html = client.get(path).text
        assert "<script>window" not in html and "<img src=x" not in html and "<b>minor" not in html, path
        assert "<i>Watch" not in html
    html = client.get("/articles/a_xss").text
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=window.__xss=3&gt;" in html
    # the JSON API returns the text as data, unchanged
    assert client.get("/api/articles/a_xss").json()["title"].startswith("<script>")


def test_story_page_shows_every_comparison_part(client: TestClient) -> None:
    html = client.get(f"/stories/{STORY}").text
    assert 'class="side-by-side"' in html and html.count('class="card source"') == 4
    assert 'class="matrix"' in html and html.count('class="cell reported"') == 5
    assert html.count('class="cell omitted"') == 3
    assert "number of passengers" in html and "about 40 passengers" in html  # conflict
    assert "Everyone is safe and accounted for" in html and "trimmed" in html  # quote difference
    assert re.search(r'<mark class="frame"[^>]*>fiasco<sup>', html)  # framing inline
    assert "a judgement, not a description" in html and "grounding" in html
    assert "Also published by" in html and "Valley Digest" in html  # syndicated copy
    assert '<svg class="timeline"' in html and html.count('class="tl-dot"') == 4
    assert 'href="#art-a_wire"' in html  # summary sources link to the articles
    assert "not available" not in html


def test_missing_comparison_is_shown_as_not_available(client: TestClient) -> None:
    html = client.get("/stories/s_f03").text
    assert html.count("not available for this story yet") == 5  # summary, facts, conflicts, quotes, framing


def test_article_page_toggle_shows_removed_boilerplate_and_why(client: TestClient) -> None:
    html = client.get("/articles/a_tribune").text
    m = re.search(r'<details id="removed".*?</details>', html, re.S)
    assert m and "Share this story: 12 comments" in m.group(0) and "counter" in m.group(0)
    why = html_escape(reason_help("counter"), quote=True)
    assert why and why in m.group(0)  # the why
    assert "Ilse Brandt" in html  # quotes
    assert "Valley Digest" in html  # also published by
    assert "A copy of" in client.get("/articles/a_digest").text


def test_api_stories_pagination(client: TestClient) -> None:
    r = client.get("/api/stories", params={"per_page": 10})
    body = r.json()
    assert r.status_code == 200 and body["total"] == 47 and body["pages"] == 5 and len(body["items"]) == 10
    assert body["items"][0]["id"] == STORY and body["items"][0]["n_articles"] == 4
    seen = []
    for page in range(1, 6):
        seen += [s["id"] for s in client.get("/api/stories", params={"per_page": 10, "page": page}).json()["items"]]
    assert len(seen) == 47 == len(set(seen))
    assert client.get("/api/stories", params={"per_page": 10, "page": 9}).json()["items"] == []


def test_api_filters_and_search(client: TestClient) -> None:
    by_outlet = client.get("/api/stories", params={"outlet": "Coastal Wire"}).json()
    assert [s["id"] for s in by_outlet["items"]] == [STORY]
    dated = client.get("/api/stories", params={"date_from": "2026-04-01", "date_to": "2026-04-04"}).json()
    assert {s["id"] for s in dated["items"]} == {STORY}
    assert client.get("/api/stories", params={"date_from": "2026-05-01"}).json()["total"] == 0
    # full text over article text finds the story even though its title lacks the word
    found = client.get("/api/stories", params={"q": "investigators"}).json()
    assert [s["id"] for s in found["items"]] == [STORY]
    hits = client.get("/api/search", params={"q": "seepage"}).json()
    assert hits["total"] == 1 and hits["items"][0]["id"] == "a_xss" and "[seepage]" in hits["items"][0]["snippet"]
    # FTS syntax in the query is plain text, never an error
    for q in ('"', "title:ferry OR", "NEAR(", "*", "ferry AND NOT"):
        assert client.get("/api/search", params={"q": q}).status_code == 200
    assert client.get("/", params={"q": "ferry", "outlet": "Harbour Courier"}).status_code == 200


def test_api_story_article_and_runs(client: TestClient) -> None:
    s = client.get(f"/api/stories/{STORY}").json()
    assert len(s["articles"]) == 4 and s["facts"][0]["supported_by"] and s["summary"][0]["sources"]
    a = client.get("/api/articles/a_tribune").json()
    assert a["story_id"] == STORY and a["removed"][0]["reason"] == "counter" and a["copies"] == ["a_digest"]
    runs = client.get("/api/runs").json()
    assert runs[0]["command"] == "test" and runs[0]["status"] == "ok"


def test_openapi_documents_the_api(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    for path in ("/api/stories", "/api/stories/{story_id}", "/api/articles/{article_id}", "/api/search",
                 "/api/runs", "/api/ingest"):
        assert path in spec["paths"], path
    assert "StoryList" in spec["components"]["schemas"] and "ErrorOut" in spec["components"]["schemas"]
    assert "401" in spec["paths"]["/api/ingest"]["post"]["responses"]


def test_clear_4xx_errors(client: TestClient) -> None:
    r = client.get("/api/stories/s_unknown")
    assert r.status_code == 404 and r.json()["error"]["code"] == "E601"
    assert client.get("/api/articles/a_unknown").json()["error"]["code"] == "E602"
    for params in ({"page": 0}, {"per_page": 1000}, {"date_from": "yesterday"}, {"page": "x"}):
        r = client.get("/api/stories", params=params)
        assert r.status_code == 422 and r.json()["error"]["code"] == "E607", params
    assert client.get("/api/search").status_code == 422
    assert client.get("/", params={"date_from": "not-a-date"}).status_code == 422
    r = client.get("/stories/s_unknown")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]
    r = client.get("/api/nothing")
    assert r.status_code == 404 and r.json()["error"]["code"] == "E611"
    r = client.request("GET", "/api/stories", content=b"x" * 100_000)
    assert r.status_code == 413 and r.json()["error"]["code"] == "E603"


def test_html_pagination_links(client: TestClient) -> None:
    html = client.get("/", params={"outlet": "Filler Weekly"}).text
    assert "page 1 of 2" in html and 'href="/?page=2&amp;outlet=Filler+Weekly"' in html
    assert "page 2 of 2" in client.get("/", params={"outlet": "Filler Weekly", "page": 2}).text


# -- ingest ---------------------------------------------------------------------------------------

FILE = ("Storm closes Tamsin Point ferry terminal", "A storm closed the ferry terminal at Tamsin Point on "
        "Saturday, the harbour authority said, and crossings will resume on Sunday.\n")


def _upload(name: str = "storm.txt", body: str | bytes = "\n".join(FILE)) -> dict:
    return {"files": (name, body.encode() if isinstance(body, str) else body, "text/plain")}


def test_ingest_is_off_without_a_token(client: TestClient) -> None:
    r = client.post("/api/ingest", files=_upload())
    assert r.status_code == 403 and r.json()["error"]["code"] == "E604"


def test_ingest_refuses_missing_and_wrong_token(db: Path) -> None:
    c = TestClient(create_app(db, ingest_token=TOKEN))
    r = c.post("/api/ingest", files=_upload())
    assert r.status_code == 401 and r.json()["error"]["code"] == "E605" and r.headers["www-authenticate"] == "Bearer"
    for auth in ("Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"):
        r = c.post("/api/ingest", files=_upload(), headers={"Authorization": auth})
        assert r.status_code == 403 and r.json()["error"]["code"] == "E606", auth
    with Store(db, readonly=True) as s:
        assert s.article_count() == 50


def test_ingest_with_the_token_runs_analyze(db: Path) -> None:
    c = TestClient(create_app(db, ingest_token=TOKEN))
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = c.post("/api/ingest", files=_upload(), headers=auth)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["articles"] == 1 and body["stories"] >= 1 and body["rejected"] == []
    found = c.get("/api/search", params={"q": "storm terminal"}).json()
    assert found["total"] == 1
    assert c.get("/api/runs").json()[-1]["command"] == "analyze"
    r = c.post("/api/ingest", files=_upload("evil.exe", b"MZ\x00"), headers=auth)
    assert r.status_code == 422 and r.json()["error"]["code"] == "E608"
    r = c.post("/api/ingest", data={"x": "1"}, headers=auth)
    assert r.status_code == 422 and r.json()["error"]["code"] == "E609"


def test_ingest_upload_size_is_bounded(db: Path) -> None:
    c = TestClient(create_app(db, ingest_token=TOKEN, max_upload_bytes=2000))
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = c.post("/api/ingest", files=_upload(body="word " * 1000), headers=auth)
    assert r.status_code == 413 and r.json()["error"]["code"] == "E603"

    def chunks():  # no Content-Length: the limit holds on the bytes actually received
        for _ in range(10):
            yield b"x" * 1000

    r = c.post("/api/ingest", content=chunks(),
               headers={**auth, "Content-Type": "multipart/form-data; boundary=zzz"})
    assert r.status_code == 413


def test_fts_query_quotes_user_input() -> None:
    assert fts_query('ferry" OR title:x') == '"ferry" "OR" "title" "x"*'
    assert fts_query("  ?!  ") is None


def test_fts_index_follows_upserts(db: Path) -> None:
    from newsprism.model import Article

    with Store(db) as s:
        s.upsert_articles([Article(id="a_wire", input="wire.jsonl:1", outlet="Coastal Wire", title="Renamed",
                                   clean_text="Completely different words about lighthouses.", story_id=STORY)])
        assert s.search_articles("investigators")[1] == 0
        assert s.search_articles("lighthouses")[0][0]["id"] == "a_wire"
        s.delete_stories(["s_f01"])
        assert s.query_stories(q="parish")[1] == 44
        s.rebuild_search()
        assert s.search_articles("lighthouses")[1] == 1


def test_serve_help_and_refusals(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    r = runner.invoke(cli_app, ["serve", "--help"])
    assert r.exit_code == 0 and "Example: newsprism serve" in r.output
    monkeypatch.delenv("NP_TEST_TOKEN", raising=False)
    r = runner.invoke(cli_app, ["serve", "--db", str(db), "--ingest-token-env", "NP_TEST_TOKEN"])
    assert r.exit_code == 2 and "E610" in r.output
    r = runner.invoke(cli_app, ["serve", "--db", str(db.parent / "missing.db")])
    assert r.exit_code == 2 and "E008" in r.output


def test_list_page_sees_new_writes(db: Path) -> None:
    c = TestClient(create_app(db))
    assert "47 of 47 stories" in c.get("/").text
    from newsprism.model import Article, Story

    with Store(db) as s:  # another connection commits: the cached counts must not go stale
        s.upsert_articles([Article(id="a_new", input="new.txt", outlet="Brand New Outlet", title="Fresh",
                                   clean_text="Fresh text.", story_id="s_new")])
        s.upsert_stories([Story(id="s_new", title="Fresh", article_ids=["a_new"])])
    html = c.get("/").text
    assert "48 of 48 stories" in html and "Brand New Outlet" in html
