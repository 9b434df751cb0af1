"""The HTML edition: parsed as HTML5, anchors and links resolved, self-contained, hostile text inert."""
from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from html.parser import HTMLParser as StdParser

import pytest
from tinyhtml5.parser import HTMLParser

from dutydocs.builders import BuildOptions, html
from dutydocs.errors import DutydocsError

HOSTILE = ('<script>alert(1)</script>', '{{ 7*7 }}', '<img src="file:///etc/passwd">')


class Elements(StdParser):
    """Collect every start tag with its attributes, and the text inside <script> and <style>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._open = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open = tag if tag in self.raw else None

    def handle_endtag(self, tag):
        self._open = None

    def handle_data(self, data):
        if self._open:
            self.raw[self._open].append(data)


def parse(data: bytes) -> Elements:
    parser = Elements()
    parser.feed(data.decode("utf-8"))
    return parser


@pytest.fixture(scope="session")
def bundled_html(bundled_doc) -> bytes:
    return html.render(bundled_doc, BuildOptions())


def test_is_valid_html5(bundled_html):
    parser = HTMLParser()
    tree = parser.parse(bundled_html.decode("utf-8"))
    assert parser.errors == []
    assert tree is not None


def test_every_item_has_its_anchors(bundled_html, bundled_doc):
    ids = [a["id"] for _, a in parse(bundled_html).tags if "id" in a]
    assert len(ids) == len(set(ids)), "ids are unique"
    for duty_list, item in bundled_doc.all_items():
        assert f"{duty_list.key}-{item.no}" in ids
        if item.id:
            assert f"item-{item.id}" in ids


def test_every_link_resolves_and_nothing_is_fetched(bundled_html):
    tags = parse(bundled_html).tags
    ids = {a["id"] for _, a in tags if "id" in a}
    hrefs = [a["href"] for _, a in tags if "href" in a]
    assert hrefs and all(h.startswith("#") and h[1:] in ids for h in hrefs)
    assert not any(t in ("link", "img", "iframe", "object", "embed") for t, _ in tags)
    assert not any("src" in a for _, a in tags)
    style = "".join(parse(bundled_html).raw["style"])
    assert "url(" not in style and "@import" not in style


def test_table_of_contents_lists_and_categories(bundled_html, bundled_doc):
    tags = parse(bundled_html).tags
    hrefs = [a["href"] for t, a in tags if t == "a" and a.get("href", "").startswith("#")]
    for duty_list in bundled_doc.lists:
        assert f"#{duty_list.key}" in hrefs
        for n in range(1, len(duty_list.categories()) + 1):
            assert f"#{duty_list.key}-category-{n}" in hrefs


def test_semantic_tables_and_phone_viewport(bundled_html, bundled_doc):
    text = bundled_html.decode("utf-8")
    tags = parse(bundled_html).tags
    assert "<caption" not in text  # the section heading names the table: no caption repeating it
    labelled = [a["aria-labelledby"] for t, a in tags if t == "table"]
    assert labelled == [f"{lst.key}-title" for lst in bundled_doc.lists]
    assert all(any(a.get("id") == label for _, a in tags) for label in labelled)
    scopes = [a.get("scope") for t, a in tags if t == "th"]
    assert scopes.count("row") == bundled_doc.item_count()
    assert scopes.count("col") >= 3 * len(bundled_doc.lists)
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in tags
    assert '<html lang="zh-CN">' in text
    assert "@media screen and (max-width" in text and "@media print" in text


def test_styles_and_script_are_inline_and_unescaped(bundled_html):
    parsed = parse(bundled_html)
    style, script = "".join(parsed.raw["style"]), "".join(parsed.raw["script"])
    assert '"仿宋_GB2312"' in style and "&#34;" not in style
    assert "addEventListener" in script and "&#34;" not in script and "&lt;" not in script
    assert [t for t, _ in parsed.tags].count("script") == 1


def test_the_filter_script_parses(bundled_html, tmp_path):
    script = tmp_path / "filter.js"
    script.write_text("".join(parse(bundled_html).raw["script"]), "utf-8")
    subprocess.run(["node", "--check", str(script)], check=True)


def test_hostile_text_is_shown_never_run(small_doc):
    items = [replace(item, name=HOSTILE[n % 3] + item.name, category=HOSTILE[n % 3])
             for n, item in enumerate(small_doc.list("basic").items)]
    data = html.render(small_doc.with_list("basic", items), BuildOptions())
    parsed = parse(data)
    assert [t for t, _ in parsed.tags].count("script") == 1
    assert not any(t == "img" for t, _ in parsed.tags)
    text = data.decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "{{ 7*7 }}" in text and ">49<" not in text
    assert 'data-category="&lt;img src=&#34;file:///etc/passwd&#34;&gt;"' in text
    assert "alert(1)" not in "".join(parsed.raw["script"])


def test_reproducible_across_processes(small_doc, small_path, tmp_path):
    """Another process, with another string-hash seed, writes the same bytes: no set or dict order leaks in."""
    import sys

    code = ("import sys; from dutydocs import source; from dutydocs.builders import BuildOptions, html; "
            "sys.stdout.buffer.write(html.render(source.load(sys.argv[1]), BuildOptions()))")
    runs = [subprocess.run([sys.executable, "-c", code, str(small_path)], check=True, capture_output=True,
                           env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}).stdout for seed in ("1", "2")]
    assert runs[0] == runs[1] == html.render(small_doc, BuildOptions())


def test_a_stylesheet_that_closes_its_element_is_refused(small_doc, tmp_path, templates_copy):
    templates = templates_copy
    (templates / "web.css").write_text("body { color: red; } </style><script>alert(1)</script>", "utf-8")
    with pytest.raises(DutydocsError, match="web.css"):
        html.render(small_doc, BuildOptions(templates=templates))


def test_duties_keep_their_structure(small_doc):
    text = html.render(small_doc, BuildOptions()).decode("utf-8")
    row = re.search(r'<tr id="cooperative-2".*?</tr>', text, re.S).group(0)
    assert row.count('class="duty-heading"') == 3
    assert re.findall(r'<p class="duty-point">(\d+\.)', row) == ["1.", "2.", "1.", "2."]
    assert row.count('class="duty-paragraph"') == 1


SHIM = """
const rows = ROWS.map(([category, text]) => ({textContent: text, hidden: false,
  getAttribute: (name) => name === "data-category" ? category : null}));
const handlers = {};
const control = (name) => ({value: "", addEventListener: (event, f) => { handlers[name] = f; }});
const select = control("category"), input = control("q"), output = {textContent: ""};
const form = {hidden: true, getAttribute: () => "basic", elements: {category: select, q: input},
  querySelector: () => output, addEventListener: () => {}};
const section = {querySelector: () => ({tBodies: [{rows}]})};
globalThis.document = {querySelectorAll: () => [form], getElementById: () => section};
SCRIPT
const shown = () => rows.filter((r) => !r.hidden).length;
const result = [form.hidden, shown(), output.textContent];
select.value = "党的建设"; handlers.category(); result.push(shown());
input.value = "双 拥"; handlers.q(); result.push(shown(), output.textContent);
select.value = ""; input.value = "营商"; handlers.q(); result.push(shown());
console.log(JSON.stringify(result));
"""


def test_category_filter_and_search_work(small_doc, tmp_path):
    import json
    script = "".join(parse(html.render(small_doc, BuildOptions())).raw["script"])
    rows = [[item.category, item.name] for item in small_doc.list("basic").items]
    test = tmp_path / "filter.js"
    test.write_text(SHIM.replace("ROWS", json.dumps(rows, ensure_ascii=False)).replace("SCRIPT", script), "utf-8")
    out = subprocess.run(["node", str(test)], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [False, 3, "显示 3 / 3 项", 2, 1, "显示 1 / 3 项", 1]


def test_opens_with_the_title_then_the_explanation(bundled_html, bundled_doc):
    """As the PDF and Word editions do: the document title, then 说明; the contents come after it."""
    text = re.sub(r"<(style|script)>.*?</\1>", "", bundled_html.decode("utf-8"), flags=re.S)
    body = re.sub(r"<[^>]+>|\s+", "", text.split("<body>", 1)[1])
    assert body.startswith(bundled_doc.title + bundled_doc.explanation.title)
    assert text.index('class="explanation"') < text.index('class="toc"') < text.index('class="list ')


@pytest.fixture(scope="module")
def chromium_pdf(small_doc, tmp_path_factory):
    """The small document's HTML edition printed by headless Chromium."""
    import shutil
    if not shutil.which("chromium"):
        pytest.fail("chromium is not installed (scripts/setup.sh installs it)")
    folder = tmp_path_factory.mktemp("chromium")
    page, out = folder / "edition.html", folder / "print.pdf"
    page.write_bytes(html.render(small_doc, BuildOptions()))
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--user-data-dir={folder / 'profile'}", f"--print-to-pdf={out}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    return out


def test_chromium_prints_the_lists_landscape_with_page_numbers(chromium_pdf, small_doc):
    from pypdf import PdfReader
    pages = PdfReader(chromium_pdf).pages
    texts = subprocess.run(["pdftotext", "-enc", "UTF-8", str(chromium_pdf), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")[:-1]
    assert len(texts) == len(pages)
    landscape = [float(p.mediabox.width) > float(p.mediabox.height) for p in pages]
    cooperative = [n for n, t in enumerate(texts) if "镇配合职责" in t]
    assert cooperative and all(landscape[n] for n in cooperative)
    assert not landscape[0]  # the title and the explanation stay portrait
    total = len(pages)
    assert [re.search(r"第\s*(\d+)\s*页，共\s*(\d+)\s*页", t).groups() for t in texts] == [
        (str(n), str(total)) for n in range(1, total + 1)]
    # the colophon (修订日期) follows the last row on its page, not alone on a portrait page of its own
    last = re.sub(r"\s+", "", texts[-1])
    assert "修订日期" in last and re.sub(r"\s+", "", small_doc.lists[-1].items[-1].name)[-8:] in last, texts[-1]
    assert landscape[-1]
    lines = [line.strip() for text in texts for line in text.splitlines()]
    assert all(lines.count(lst.title) == 1 for lst in small_doc.lists), "each list is named once: no caption"


PROBE = """<script>
addEventListener("load", () => {
  const row = document.querySelector("table.list tbody tr");
  const no = row.querySelector("th.no"), category = row.querySelector("td.category");
  const [a, b] = [no.getBoundingClientRect(), category.getBoundingClientRect()];
  document.body.dataset.probe = JSON.stringify({width: innerWidth, same_line: a.top === b.top && a.right <= b.left,
    separator: getComputedStyle(no, "::after").content, label: getComputedStyle(category, "::before").content,
    text: no.innerText + category.innerText});
});
</script>"""


def test_phone_cards_open_with_one_line_number_and_category(small_doc, tmp_path):
    """On a phone each card's first line is “1｜党的建设”: number and category side by side, no labels.

    Laid out by headless Chromium at a phone's width; a script measures the first card after loading.
    """
    import html as markup
    import json
    page = tmp_path / "phone.html"
    page.write_text(html.render(small_doc, BuildOptions()).decode("utf-8") + PROBE, "utf-8")
    dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'p'}",
                          "--window-size=390,2000", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    probe = json.loads(markup.unescape(re.search(r'data-probe="([^"]*)"', dom).group(1)))
    first = small_doc.lists[0].items[0]
    assert probe["width"] < 768 and probe["text"] == f"{first.no}{first.category}", probe  # the phone layout
    assert probe["same_line"] and probe["separator"] == '"｜"' and probe["label"] == "none", probe
