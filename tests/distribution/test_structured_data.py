"""JSON-LD (NewsArticle, BreadcrumbList, WebSite, NewsMediaOrganization) and Open Graph / Twitter tags."""

import json
from datetime import datetime

from caspian.newsroom.models import ArticlePage

from ..newsroom.scenario import NewsroomTestCase, html


def json_ld(response):
    """Every JSON-LD object on the page, flattened out of ``@graph``, by ``@type``."""
    found = {}
    for script in html(response).find_all("script", type="application/ld+json"):
        data = json.loads(script.string)
        for item in data.get("@graph", [data]):
            found[item["@type"]] = item
    return found


def meta(response):
    page = html(response)
    tags = page.find_all("meta", attrs={"property": True}) + page.find_all("meta", attrs={"name": True})
    found = {}
    for tag in tags:
        found.setdefault(tag.get("property") or tag.get("name"), []).append(tag["content"])
    return found


def assert_iso_with_zone(test, value):
    test.assertIsNotNone(datetime.fromisoformat(value).tzinfo, value)


class ArticleJsonLdTests(NewsroomTestCase):
    def test_news_article_has_every_required_property(self):
        article = self.articles[0]
        data = json_ld(self.get(article))
        news = data["NewsArticle"]
        full_url = f"http://localhost{article.url}"
        self.assertEqual(news["headline"], article.title)
        self.assertEqual(news["description"], article.standfirst)
        self.assertEqual(len(news["image"]), 3)
        self.assertTrue(all(url.startswith("http://testserver/media/images/") for url in news["image"]))
        self.assertEqual(datetime.fromisoformat(news["datePublished"]), article.first_published_at)
        self.assertEqual(news["dateModified"], news["datePublished"])  # no material update yet
        for key in ("datePublished", "dateModified"):
            assert_iso_with_zone(self, news[key])
        self.assertEqual(
            news["author"], [{"@type": "Person", "name": "Nino Kapanadze", "url": f"http://localhost{self.author.url}"}]
        )
        self.assertEqual(news["publisher"]["@type"], "NewsMediaOrganization")
        self.assertEqual(news["publisher"]["name"], "The Caspian Times")
        self.assertTrue(news["publisher"]["logo"]["url"].startswith("http://testserver/static/"))
        self.assertEqual(news["mainEntityOfPage"], {"@type": "WebPage", "@id": full_url})
        self.assertEqual(news["articleSection"], article.section.title)
        self.assertEqual(news["keywords"], ["Ports"])

    def test_share_images_are_16_9_4_3_and_1_1(self):
        article = ArticlePage.objects.get(pk=self.articles[0].pk)
        from caspian.newsroom import images

        renditions = images.share_renditions(article.lead_image)
        ratios = {name: round(r.width / r.height, 2) for name, r in renditions.items()}
        self.assertEqual(ratios, {"16:9": 1.78, "4:3": 1.33, "1:1": 1.0})
        self.assertEqual([r.width for r in renditions.values()], [640, 480, 360])  # the 640x360 original allows no more

    def test_a_material_update_moves_date_modified_and_a_long_headline_is_cut(self):
        article = ArticlePage.objects.get(pk=self.articles[1].pk)
        article.title = "A headline that goes on " + "and on " * 20
        article.update_note = "Adds the minister's reply."
        article.save_revision().publish()
        article.refresh_from_db()
        news = json_ld(self.get(article))["NewsArticle"]
        self.assertEqual(len(news["headline"]), 110)
        self.assertTrue(news["headline"].endswith("…"))
        self.assertEqual(datetime.fromisoformat(news["dateModified"]), article.updated_at)

    def test_breadcrumbs_lead_home_section_article(self):
        article = self.articles[0]
        crumbs = json_ld(self.get(article))["BreadcrumbList"]["itemListElement"]
        self.assertEqual([c["position"] for c in crumbs], [1, 2, 3])
        self.assertEqual([c["name"] for c in crumbs], ["The Caspian Times", article.section.title, article.title])
        self.assertEqual(crumbs[2]["item"], f"http://localhost{article.url}")

    def test_text_from_editors_cannot_break_out_of_the_script(self):
        article = ArticlePage.objects.get(pk=self.articles[2].pk)
        article.title = "</script><script>alert(1)</script> & more"
        article.save_revision().publish()
        response = self.get(article)
        self.assertNotIn(b"</script><script>alert(1)", response.content)
        self.assertEqual(json_ld(response)["NewsArticle"]["headline"], article.title)


class HomeJsonLdTests(NewsroomTestCase):
    def test_website_with_search_action_and_the_publisher(self):
        data = json_ld(self.get("/"))
        action = data["WebSite"]["potentialAction"]
        self.assertEqual(action["@type"], "SearchAction")
        self.assertEqual(action["target"]["urlTemplate"], "http://testserver/search/?q={q}")
        self.assertEqual(action["query-input"], "required name=q")
        self.assertEqual(data["NewsMediaOrganization"]["name"], "The Caspian Times")

    def test_other_pages_carry_no_article_data(self):
        for url in (self.caucasus.url, self.author.url, self.about.url):
            self.assertNotIn("NewsArticle", json_ld(self.get(url)))


class SocialCardTests(NewsroomTestCase):
    def test_an_article_has_open_graph_and_a_large_twitter_card(self):
        article = self.articles[0]
        tags = meta(self.get(article))
        self.assertEqual(tags["og:type"], ["article"])
        self.assertEqual(tags["og:title"], [article.title])
        self.assertEqual(tags["og:description"], [article.standfirst])
        self.assertEqual(tags["og:url"], [f"http://localhost{article.url}"])
        self.assertTrue(tags["og:image"][0].startswith("http://testserver/media/images/"))
        self.assertEqual((tags["og:image:width"], tags["og:image:height"]), (["640"], ["360"]))
        self.assertEqual(tags["og:image:alt"], [article.lead_image_alt])
        for key in ("article:published_time", "article:modified_time"):
            assert_iso_with_zone(self, tags[key][0])
        self.assertEqual(tags["article:section"], [article.section.title])
        self.assertEqual(tags["article:tag"], ["Ports"])
        self.assertEqual(tags["article:author"], [f"http://localhost{self.author.url}"])
        self.assertEqual(tags["twitter:card"], ["summary_large_image"])
        self.assertEqual(tags["description"], [article.standfirst])

    def test_other_pages_are_websites_with_a_canonical_link(self):
        for url in ("/", self.caucasus.url, self.about.url):
            response = self.get(url)
            self.assertEqual(meta(response)["og:type"], ["website"])
            self.assertTrue(html(response).find("link", rel="canonical")["href"].endswith(url))
            self.assertEqual(html(response).find("html")["lang"], "en")
