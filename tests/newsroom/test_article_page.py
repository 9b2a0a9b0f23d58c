"""Every element of the reference article page, read off the rendered HTML."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from PIL import features
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from caspian.newsroom.factories import ArticlePageFactory, NewsImageFactory
from caspian.newsroom.models import RelatedPick

from .scenario import TIME_ZONE, NewsroomTestCase, html


def titles(section):
    return [a.get_text(strip=True) for a in section.select(".card__title a")]


class ArticleHeaderTests(NewsroomTestCase):
    def test_headline_is_the_only_h1_and_standfirst_follows(self):
        article = self.articles[1]
        page = html(self.get(article))
        self.assertEqual([h.get_text(strip=True) for h in page.find_all("h1")], [article.title])
        self.assertEqual(page.select_one(".article__standfirst").get_text(strip=True), article.standfirst)
        self.assertEqual(page.select_one(".article__dateline").get_text(strip=True), "BAKU")

    def test_a_short_headline_is_the_title_for_browsers_search_and_social_cards(self):
        article = ArticlePageFactory(
            section=self.caucasus,
            authors=[self.author],
            title="Ferry workers in Aktau walk out over pay as the port's owners say talks can wait",
            seo_title="Aktau ferry workers strike over pay",
        )
        page = html(self.get(article))
        self.assertEqual(page.title.get_text(), "Aktau ferry workers strike over pay | The Caspian Times")
        self.assertEqual(page.select_one('meta[property="og:title"]')["content"], "Aktau ferry workers strike over pay")
        self.assertEqual(page.find("h1").get_text(strip=True), article.title)  # readers see the full headline

    def test_article_url_is_section_year_slug(self):
        article = self.articles[0]
        year = article.first_published_at.astimezone(ZoneInfo(TIME_ZONE)).year
        self.assertEqual(article.url, f"/central-asia/{year}/{article.slug}/")

    def test_byline_links_every_author_in_order(self):
        article = ArticlePageFactory(section=self.caucasus, authors=[self.second_author, self.author])
        byline = html(self.get(article)).select_one(".article__byline")
        self.assertEqual([a.get_text() for a in byline.find_all("a")], ["Timur Saidov", "Nino Kapanadze"])
        self.assertEqual(byline.find("a")["href"], self.second_author.url)

    def test_first_published_time_in_the_site_time_zone(self):
        article = self.articles[0]
        published = html(self.get(article)).select_one(".article__published time")
        local = article.first_published_at.astimezone(ZoneInfo(TIME_ZONE))
        self.assertEqual(published["datetime"], local.isoformat(timespec="seconds"))
        self.assertTrue(published["datetime"].endswith("+04:00"))
        self.assertIn(local.strftime("%H:%M"), published.get_text())

    def test_updated_time_only_after_a_material_update(self):
        plain = html(self.get(self.articles[0]))
        self.assertIsNone(plain.select_one(".article__updated"))
        self.assertIsNone(plain.select_one(".article__updates"))

        updated = ArticlePageFactory(section=self.caucasus, authors=[self.author], updated=True)
        page = html(self.get(updated))
        shown = page.select_one(".article__updated time")
        expected = (updated.first_published_at + timedelta(days=1)).astimezone(ZoneInfo(TIME_ZONE))
        self.assertEqual(shown["datetime"], expected.isoformat(timespec="seconds"))
        self.assertIn("Adds new figures from the port authority.", page.select_one(".article__updates").get_text())


class PageFrameTests(NewsroomTestCase):
    def test_skip_link_landmarks_language_and_print_styles(self):
        page = html(self.get(self.articles[0]))
        self.assertEqual(page.find("html")["lang"], "en")
        first_link = page.body.find("a")
        self.assertEqual((first_link["href"], first_link.get_text()), ("#main", "Skip to content"))
        self.assertEqual(page.find("main")["id"], "main")
        self.assertIsNotNone(page.find("header", class_="masthead"))
        self.assertIsNotNone(page.find("footer"))
        self.assertEqual(page.find("nav", class_="masthead__nav")["aria-label"], "Sections")
        print_css = page.find("link", rel="stylesheet", media="print")
        self.assertIn("print", print_css["href"])
        # The only script is the comment form's enhancement: our own file, deferred, nothing inline.
        scripts = [(s["src"], s.has_attr("defer"), s.string) for s in page.find_all("script") if s.has_attr("src")]
        self.assertEqual({s["type"] for s in page.find_all("script", src=False)}, {"application/ld+json"})
        self.assertEqual(scripts, [("/static/comments/comments.js", True, None)])


class LeadImageTests(NewsroomTestCase):
    def test_lead_image_is_a_responsive_picture_with_alt_caption_and_credit(self):
        article = self.articles[0]
        figure = html(self.get(article)).select_one(".article__lead-image")
        img = figure.find("img")
        self.assertEqual(img["alt"], article.lead_image_alt)
        self.assertEqual(img["loading"], "eager")
        self.assertTrue(int(img["width"]) > 0 and int(img["height"]) > 0)
        types = [source["type"] for source in figure.find_all("source")]
        self.assertEqual(types, ["image/avif", "image/webp"] if features.check("avif") else ["image/webp"])
        for source in figure.find_all("source"):
            self.assertRegex(source["srcset"], r"^\S+ \d+w(, \S+ \d+w)*$")
            self.assertTrue(source["sizes"])
        caption = figure.find("figcaption").get_text(" ", strip=True)
        self.assertIn(article.lead_image_caption, caption)
        self.assertIn(article.lead_image.credit, caption)

    def test_article_credit_overrides_the_image_credit(self):
        article = ArticlePageFactory(
            section=self.caucasus, authors=[self.author], with_image=True, lead_image_credit="Photo: Leyla Aliyeva"
        )
        caption = html(self.get(article)).select_one(".article__lead-image figcaption").get_text()
        self.assertIn("Photo: Leyla Aliyeva", caption)
        self.assertNotIn(article.lead_image.credit, caption)


class BodyTests(NewsroomTestCase):
    def test_every_body_block_renders(self):
        image = NewsImageFactory(title="Harbour", credit="Photo: Archive")
        body = [
            ("paragraph", RichText("<p>Opening paragraph with <b>bold</b> words.</p>")),
            ("heading", "What happens next"),
            ("image", {"image": image, "alt": "Cranes over the harbour", "caption": "The new berth.", "credit": ""}),
            ("quote", {"text": "We are ready.", "attribution": "Aysel Mammadova, port director"}),
            ("fact_box", {"title": "In numbers", "body": RichText("<ul><li>3 berths</li></ul>")}),
            ("embed", "https://www.example.com/not-an-oembed-provider"),
        ]
        article = ArticlePageFactory(section=self.caucasus, authors=[self.author], body=body)
        page = html(self.get(article)).select_one(".article__body")
        self.assertIn("Opening paragraph with", page.get_text())
        self.assertEqual(page.find("b").get_text(), "bold")
        self.assertEqual(page.select_one("h2.body-heading").get_text(), "What happens next")
        body_image = page.select_one(".body-image")
        self.assertEqual(body_image.find("img")["alt"], "Cranes over the harbour")
        self.assertEqual(body_image.find("img")["loading"], "lazy")
        self.assertIn("Photo: Archive", body_image.find("figcaption").get_text())
        self.assertEqual(page.select_one(".pull-quote blockquote").get_text(strip=True), "We are ready.")
        self.assertEqual(page.select_one(".pull-quote figcaption").get_text(), "Aysel Mammadova, port director")
        self.assertEqual(page.select_one(".fact-box li").get_text(), "3 berths")
        # An embed with no stored copy is a plain link: the page never asks the provider.
        self.assertEqual(page.select_one(".embed--link a")["href"], "https://www.example.com/not-an-oembed-provider")

    def test_embed_is_served_from_the_stored_copy(self):
        url = "https://video.example.org/watch/42"
        Embed.objects.create(
            url=url,
            hash=get_embed_hash(url),
            type="video",
            html='<iframe src="https://video.example.org/e/42"></iframe>',
        )
        article = ArticlePageFactory(section=self.caucasus, authors=[self.author], body=[("embed", url)])
        embed = html(self.get(article)).select_one(".article__body .embed")
        self.assertEqual(embed.find("iframe")["src"], "https://video.example.org/e/42")


class AuthorBoxTests(NewsroomTestCase):
    def test_author_box_has_photo_name_website_bio_and_profile_link(self):
        box = html(self.get(self.articles[0])).select_one(".author-box")
        self.assertIsNotNone(box.select_one(".author-box__photo picture img"))
        name = box.select_one(".author-box__name a")
        self.assertEqual(name.get_text(), "Nino Kapanadze")
        self.assertEqual(name["href"], self.author.url)
        self.assertEqual(box.select_one(".author-box__bio").get_text(), "Nino covers the South Caucasus from Tbilisi.")
        links = {a.get_text(): a["href"] for a in box.select(".author-box__links a")}
        self.assertEqual(links["Website"], "https://nino.example.org/")
        self.assertEqual(links["All articles by Nino Kapanadze"], self.author.url)

    def test_one_box_per_author(self):
        article = ArticlePageFactory(section=self.caucasus, authors=[self.author, self.second_author])
        names = [n.get_text(strip=True) for n in html(self.get(article)).select(".author-box__name")]
        self.assertEqual(names, ["Nino Kapanadze", "Timur Saidov"])


class MustReadTests(NewsroomTestCase):
    def test_editors_order_without_the_article_being_read(self):
        first, second, third = self.articles[3], self.articles[0], self.articles[4]
        self.pick_must_read(first, second, third)
        block = html(self.get(self.articles[1])).select_one(".must-read")
        self.assertEqual(titles(block), [first.title, second.title, third.title])
        block = html(self.get(second)).select_one(".must-read")
        self.assertEqual(titles(block), [first.title, third.title])

    def test_unpublished_and_private_picks_are_left_out(self):
        draft, private, shown = self.articles[2], self.articles[3], self.articles[4]
        self.pick_must_read(draft, private, shown)
        draft.unpublish()
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
        block = html(self.get(self.articles[0])).select_one(".must-read")
        self.assertEqual(titles(block), [shown.title])

    def test_front_page_shows_must_read_too(self):
        self.pick_must_read(self.articles[2])
        block = html(self.get("/")).select_one(".must-read")
        self.assertEqual(titles(block), [self.articles[2].title])


class MoreArticlesTests(NewsroomTestCase):
    article_count = 8

    def test_related_by_tag_or_section_newest_first_excluding_itself(self):
        article = self.articles[0]  # Central Asia, tagged Ports
        block = html(self.get(article)).select_one(".more-articles")
        expected = [
            a.title
            for a in self.articles[1:]
            if a.section_id == article.section_id or "Ports" in [t.name for t in a.tags.all()]
        ][:4]
        self.assertEqual(titles(block), expected)
        self.assertNotIn(article.title, titles(block))

    def test_unrelated_articles_are_not_suggested(self):
        loner = ArticlePageFactory(section=self.caucasus, authors=[self.author], tags=["Wine"])
        other = ArticlePageFactory(section=self.central_asia, authors=[self.author], tags=["Film"])
        block = html(self.get(other)).select_one(".more-articles")
        self.assertNotIn(loner.title, titles(block))

    def test_pinned_picks_come_first_in_their_order(self):
        article = self.articles[0]
        unrelated = ArticlePageFactory(section=self.caucasus, authors=[self.author], tags=["Wine"])
        RelatedPick.objects.create(article=article, pick=unrelated, sort_order=0)
        RelatedPick.objects.create(article=article, pick=self.articles[7], sort_order=1)
        shown = titles(html(self.get(article)).select_one(".more-articles"))
        self.assertEqual(shown[:2], [unrelated.title, self.articles[7].title])
        self.assertEqual(len(shown), 4)
        self.assertEqual(len(set(shown)), 4)

    def test_drafts_are_never_suggested(self):
        self.articles[2].unpublish()
        shown = titles(html(self.get(self.articles[0])).select_one(".more-articles"))
        self.assertNotIn(self.articles[2].title, shown)


class LatestTests(NewsroomTestCase):
    def test_newest_published_articles_site_wide(self):
        self.articles[1].unpublish()
        block = html(self.get(self.articles[0])).select_one(".latest")
        expected = [a.title for a in self.articles[2:]]
        self.assertEqual(titles(block), expected)

    def test_front_page_latest_is_newest_first(self):
        page = html(self.get("/"))
        lead = page.select_one(".lead-story__headline").get_text(strip=True)
        self.assertEqual(lead, self.articles[0].title)
        self.assertEqual(titles(page.select_one(".front__latest")), [a.title for a in self.articles[1:]])


class CommentsPlaceholderTests(NewsroomTestCase):
    def test_leave_a_reply_section_is_reserved(self):
        section = html(self.get(self.articles[0])).select_one("section#comments")
        self.assertEqual(section.find("h2").get_text(), "Leave a reply")
