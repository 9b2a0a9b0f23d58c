"""The first README command's result: the demo, served by the production server."""

import json
import re
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import requests
from bs4 import BeautifulSoup
from django.utils import timezone

import caspian.demo

from .conftest import CASPIAN

DEMO_COMMENTS = Path(caspian.demo.__file__).parent / "content" / "comments.json"
DEMO_CONTENT = Path(caspian.demo.__file__).parent / "content" / "publication.json"


def demo_story_count():
    """How many articles and live blogs the demo publishes (every one is in the feeds and the sitemap)."""
    content = json.loads(DEMO_CONTENT.read_text(encoding="utf-8"))
    return len(content["articles"]) + len(content["live_blogs"])


def fetch(url):
    response = requests.get(url, timeout=30)
    assert response.status_code == 200, url
    return BeautifulSoup(response.text, "html.parser")


def card_titles(block):
    return [a.get_text(strip=True) for a in block.select(".card__title a")]


def test_demo_prints_where_to_go_and_how_to_log_in(demo_site):
    assert f"{demo_site.url}/" in demo_site.demo_output
    assert f"{demo_site.url}/admin/" in demo_site.demo_output
    assert re.search(r"Admin login: admin / \S{12,}", demo_site.demo_output)


def test_running_the_demo_again_keeps_the_site(demo_site):
    again = subprocess.run(
        [CASPIAN, "demo", "--no-serve"], env=demo_site.env, capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 0, again.stderr
    assert "Demo content not loaded" in again.stdout
    assert "Admin login" not in again.stdout


def test_admin_login_with_the_printed_password(demo_site):
    password = re.search(r"Admin login: admin / (\S+)", demo_site.demo_output).group(1)
    session = requests.Session()
    login_url = f"{demo_site.url}/admin/login/"
    form = BeautifulSoup(session.get(login_url, timeout=30).text, "html.parser")
    token = form.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]
    response = session.post(
        login_url,
        data={"csrfmiddlewaretoken": token, "username": "admin", "password": password},
        headers={"Referer": login_url},
        timeout=30,
    )
    assert response.status_code == 200
    assert "Dashboard" in response.text or "Welcome" in response.text


def test_article_page_has_every_element(demo_site, page_urls):
    url = page_urls["article"]
    page = fetch(url)

    # 1. masthead date line, today in the publication's time zone
    today = timezone.localdate(timezone.now(), ZoneInfo("Europe/Berlin"))
    date_line = page.select_one(".masthead__date time")
    assert date_line["datetime"] == today.isoformat()
    assert date_line.get_text() == f"{today:%A}, {today:%B} {today.day}, {today.year}"

    # 2. weather for Munich from the (fake) Open-Meteo, fetched in the background
    deadline = time.monotonic() + 20
    while page.select_one(".weather") is None and time.monotonic() < deadline:
        time.sleep(0.3)
        page = fetch(url)
    assert page.select_one(".weather").get_text(" ", strip=True) == "5 °C Munich"
    assert demo_site.weather.requests and demo_site.weather.requests[0][0] == "/v1/forecast"

    # headline, standfirst, byline, first publication time
    assert len(page.find_all("h1")) == 1
    assert page.select_one(".article__standfirst").get_text(strip=True)
    assert page.select_one(".article__published time")["datetime"]

    # 3. author box
    box = page.select_one(".author-box")
    assert box.select_one(".author-box__photo img")
    assert box.select_one(".author-box__bio").get_text(strip=True)
    assert box.find("a", string="Website")["href"].startswith("https://")

    # 4-6. Must read, More articles, Latest articles
    headline = page.find("h1").get_text(strip=True)
    for block in (".must-read", ".more-articles", ".latest"):
        titles = card_titles(page.select_one(block))
        assert titles, block
        assert headline not in titles, block

    # 7. the comment form
    assert page.select_one("#comments #reply-title").get_text() == "Leave a reply"
    assert page.select_one("#respond form#commentform")


def demo_comments(slug):
    """The demo's comments on one article, flattened: (comment, depth) pairs."""

    def walk(items, depth):
        for item in items:
            yield item, depth
            yield from walk(item.get("replies", []), depth + 1)

    articles = json.loads(DEMO_COMMENTS.read_text(encoding="utf-8"))["articles"]
    return list(walk(next(a["comments"] for a in articles if a["article"] == slug), 1))


def test_an_article_shows_its_approved_comments_threaded_and_counted(demo_site, page_urls):
    url = page_urls["article"]
    page = fetch(url)
    path = urlsplit(url).path
    written = demo_comments(path.rstrip("/").rsplit("/", 1)[-1])
    approved = [(c, depth) for c, depth in written if c.get("status", "approved") == "approved"]
    assert len(approved) >= 5 and len(approved) < len(written), "the lead story has approved and held comments"
    count = f"{len(approved)} comments"

    # the counts: by the headline, over the list, and on the article's card in its section
    assert page.select_one(".article__comment-count").get_text(strip=True) == count
    assert page.select_one("#comments > h2").get_text(strip=True) == count
    section = fetch(demo_site.url + page.select_one(".kicker a")["href"])
    card_counts = [a.get_text(strip=True) for a in section.select(".card__comments") if a["href"] == path + "#comments"]
    assert card_counts == [count]

    # only approved comments, in threads: replies nested in the comment they answer, three levels deep
    shown = page.select("#comments li.comment")
    assert [li.select_one(".comment__author").get_text(strip=True) for li in shown] == [
        c["author"] for c, _ in approved
    ]
    for li, (comment, depth) in zip(shown, approved, strict=True):
        card = li.select_one(":scope > .comment__card")
        assert f"comment--depth-{depth}" in li["class"]
        assert re.fullmatch(r"comment-\d+", li["id"])
        # a permalink names the page of comments it is on (one page here), so it finds it when there are more
        assert card.select_one(".comment__permalink")["href"] == f"{path}?comments=1#{li['id']}"
        assert card.select_one(".comment__permalink time")["datetime"]
        assert card.select_one(".comment__text").get_text(" ", strip=True).startswith(comment["text"][:40])
        reply = f"{path}?comments=1&replyto={li['id'].split('-')[1]}#respond"
        assert card.select_one(".comment__reply")["href"] == reply
        assert card.select_one("form.comment__report button")
        website = card.select_one(".comment__author a")
        assert (website["href"] if website else "") == comment.get("website", "")
        if website:
            assert website["rel"] == ["nofollow", "ugc", "noopener"]
    deepest = "#comments > ol.comment-list > li > ol.comment-replies > li > ol.comment-replies > li.comment--depth-3"
    assert page.select(deepest)
    for comment, _ in written:
        if comment.get("status", "approved") != "approved":
            assert comment["text"][:40] not in page.get_text()


def test_front_page_and_navigation(demo_site):
    page = fetch(demo_site.url + "/")
    assert page.find("h1").get_text(strip=True) == "The Caspian Times"
    sections = [a.get_text() for a in page.select(".masthead__nav a")]
    assert sections == ["South Caucasus", "Central Asia", "Caspian & Energy", "Politics", "Culture"]
    assert len(card_titles(page.select_one(".must-read"))) == 5
    assert len(page.select(".front__section")) == 5


def test_an_updated_article_shows_both_dates(demo_site):
    for section in ("/south-caucasus/", "/central-asia/", "/caspian-energy/", "/politics/", "/culture/"):
        for link in fetch(demo_site.url + section).select(".card__title a"):
            article = fetch(demo_site.url + link["href"])
            if article.select_one(".article__updated"):
                published = article.select_one(".article__published time")["datetime"]
                updated = article.select_one(".article__updated time")["datetime"]
                assert updated > published
                assert article.select_one(".article__updates li").get_text(strip=True)
                return
    raise AssertionError("no demo article shows an update")


def test_about_page_states_the_mission(demo_site):
    page = fetch(demo_site.url + "/about/")
    assert page.find("h1").get_text() == "About us"
    assert "independent" in page.select_one(".article__body").get_text().lower()


def test_images_and_static_files_are_served(demo_site, page_urls):
    page = fetch(page_urls["article"])
    lead = page.select_one(".article__lead-image")
    for source in lead.find_all("source"):
        first = source["srcset"].split(",")[0].split()[0]
        response = requests.get(demo_site.url + first, timeout=30)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == source["type"]
    stylesheet = page.find("link", rel="stylesheet")["href"]
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet), "static files carry a content hash"
    for encoding in ("br", "gzip"):  # compressed ahead of time, in both encodings
        response = requests.get(demo_site.url + stylesheet, timeout=30, headers={"Accept-Encoding": encoding})
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == encoding
        assert "max-age=315360000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]


def test_served_pages_carry_security_headers(demo_site):
    response = requests.get(demo_site.url + "/", timeout=30)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_demo_advertises_feeds_that_parse_cleanly(demo_site):
    import feedparser

    home = fetch(demo_site.url + "/")
    feeds = [link["href"] for link in home.select('head link[rel="alternate"]')]
    assert feeds == ["/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json"]
    for path in feeds[:2]:
        response = requests.get(demo_site.url + path, timeout=30)
        parsed = feedparser.parse(response.content, response_headers={"content-type": response.headers["Content-Type"]})
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert len(parsed.entries) == demo_story_count(), path
        for entry in parsed.entries:
            assert entry.title and entry.author and entry.summary and entry.content[0].value, entry.get("id")
            assert 'src="/' not in entry.content[0].value and 'href="/' not in entry.content[0].value
    items = requests.get(demo_site.url + "/feeds/feed.json", timeout=30).json()["items"]
    assert len(items) == demo_story_count()
    # A section's and an author's pages advertise feeds of their own, which parse as cleanly.
    for page in ("/south-caucasus/", "/authors/nino-kapanadze/"):
        own = [link["href"] for link in fetch(demo_site.url + page).select('head link[rel="alternate"]')][3:]
        assert len(own) == 3, page
        for path in own[:2]:
            response = requests.get(demo_site.url + path, timeout=30)
            parsed = feedparser.parse(
                response.content, response_headers={"content-type": response.headers["Content-Type"]}
            )
            assert not parsed.bozo and parsed.entries, path


def test_the_demo_sitemaps_and_robots_are_valid(demo_site):
    from lxml import etree

    from ..distribution import schemas

    robots = requests.get(demo_site.url + "/robots.txt", timeout=30).text
    assert f"Sitemap: {demo_site.url}/sitemap.xml" in robots
    index = etree.fromstring(requests.get(demo_site.url + "/sitemap.xml", timeout=30).content, schemas.parser())
    schemas.index_schema().assertValid(index)
    urlset = schemas.urlset_schema()
    sitemaps = index.xpath("//s:loc/text()", namespaces={"s": schemas.SITEMAP}) + [demo_site.url + "/sitemap-news.xml"]
    counts = {}
    for url in sitemaps:
        document = etree.fromstring(requests.get(url, timeout=30).content, schemas.parser())
        urlset.assertValid(document)
        counts[url.rsplit("/", 1)[-1]] = len(document.xpath("//s:url", namespaces={"s": schemas.SITEMAP}))
    assert counts["sitemap-articles.xml"] == demo_story_count()
    assert counts["sitemap-news.xml"] >= 1  # the demo's newest stories are from today and yesterday


def test_the_demo_describes_itself_to_search_engines_and_searches(demo_site, page_urls):
    home = fetch(demo_site.url + "/")
    graph = json.loads(home.find("script", type="application/ld+json").string)["@graph"]
    assert {item["@type"] for item in graph} == {"WebSite", "NewsMediaOrganization"}
    assert home.select_one(".masthead__search a")["href"] == "/search/"

    article = fetch(page_urls["article"])
    news = json.loads(article.find("script", type="application/ld+json").string)["@graph"][0]
    assert news["@type"] == "NewsArticle" and len(news["headline"]) <= 110
    assert news["image"] and news["author"] and news["publisher"]["name"] == "The Caspian Times"
    assert article.find("meta", property="og:type")["content"] == "article"

    results = fetch(demo_site.url + "/search/?q=Munich")
    assert results.select(".search-result"), "the demo's festival story mentions Munich"
