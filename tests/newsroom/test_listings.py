"""Section, year, author, tag, about and authors pages."""

from unittest import mock

from caspian.newsroom.factories import ArticlePageFactory
from caspian.newsroom.models import ArticlePage
from caspian.newsroom.pagination import LISTING_PAGE_SIZE

from .scenario import NewsroomTestCase, html


def listed(page):
    return [a.get_text(strip=True) for a in page.select(".card-list .card__title a")]


class SectionPageTests(NewsroomTestCase):
    def test_lists_its_own_articles_newest_first(self):
        page = html(self.get(self.caucasus))
        self.assertEqual(page.find("h1").get_text(), "South Caucasus")
        expected = [a.title for a in self.articles if a.section_id == self.caucasus.pk]
        self.assertEqual(listed(page), expected)

    def test_paginates_and_refuses_pages_that_do_not_exist(self):
        ArticlePageFactory.create_batch(LISTING_PAGE_SIZE, section=self.caucasus, authors=[self.author])
        second = html(self.get(self.caucasus.url + "?page=2"))
        self.assertTrue(listed(second))
        self.assertEqual(self.client.get(self.caucasus.url + "?page=99").status_code, 404)
        self.assertEqual(self.client.get(self.caucasus.url + "?page=abc").status_code, 404)

    def test_older_and_newer_links_walk_the_whole_listing_without_skipping_rows(self):
        # Two pages and a bit, some published at the same instant: ties are broken by id.
        same_time = ArticlePageFactory.create_batch(5, section=self.caucasus, authors=[self.author])
        ArticlePage.objects.filter(pk__in=[a.pk for a in same_time]).update(first_published_at=self.now)
        ArticlePageFactory.create_batch(2 * LISTING_PAGE_SIZE, section=self.caucasus, authors=[self.author])
        expected = list(
            ArticlePage.objects.public_articles()
            .in_section(self.caucasus)
            .newest_first()
            .values_list("title", flat=True)
        )
        pages, url = [], self.caucasus.url
        while url:
            page = html(self.get(url))
            pages.append((url, listed(page)))
            older = page.select_one(".pagination a[rel=next]")
            url = self.caucasus.url + older["href"] if older else None
        self.assertEqual([title for _, titles in pages for title in titles], expected)
        self.assertEqual([len(titles) for _, titles in pages][:-1], [LISTING_PAGE_SIZE] * (len(pages) - 1))
        self.assertIn("before=", pages[-1][0])  # no OFFSET: the links carry the position
        # Back through the Newer links, to the first page's own address.
        url, seen = pages[-1][0], []
        while True:
            page = html(self.get(url))
            seen.insert(0, listed(page))
            newer = page.select_one(".pagination a[rel=prev]")
            if newer is None:
                break
            href = newer["href"]
            url = href if href.startswith("/") else self.caucasus.url + href
        self.assertEqual(url, self.caucasus.url)
        self.assertEqual(seen, [titles for _, titles in pages])
        for bad in ("?before=x", "?after=1-2-3", "?page=2&before=99999999999999999999999-1"):
            self.assertEqual(self.client.get(self.caucasus.url + bad).status_code, 404, bad)

    def test_sections_are_in_the_masthead_navigation(self):
        nav = html(self.get("/")).select_one(".masthead__nav")
        self.assertEqual([a.get_text() for a in nav.find_all("a")], ["South Caucasus", "Central Asia"])

    def test_links_to_its_year_archive(self):
        year_page = self.articles[1].get_parent()
        page = html(self.get(self.caucasus))
        self.assertIn(year_page.url, [a["href"] for a in page.select(".archive-years a")])
        archive = html(self.get(year_page))
        self.assertEqual(listed(archive), [a.title for a in self.articles if a.get_parent().pk == year_page.pk])


class AuthorPageTests(NewsroomTestCase):
    def test_profile_and_their_articles(self):
        other = ArticlePageFactory(section=self.caucasus, authors=[self.second_author])
        page = html(self.get(self.author))
        self.assertEqual(page.find("h1").get_text(), "Nino Kapanadze")
        self.assertIn("Nino covers the South Caucasus", page.get_text())
        self.assertEqual(listed(page), [a.title for a in self.articles])
        self.assertNotIn(other.title, listed(page))

    def test_authors_index_lists_everyone(self):
        page = html(self.get("/authors/"))
        self.assertEqual(
            [a.get_text() for a in page.select(".author-card__name a")], ["Nino Kapanadze", "Timur Saidov"]
        )


class TagPageTests(NewsroomTestCase):
    def test_lists_tagged_articles(self):
        article = self.articles[0]
        tag_link = html(self.get(article)).select_one(".article__tags a")
        self.assertEqual(tag_link.get_text(), "Ports")
        page = html(self.get(tag_link["href"]))
        self.assertEqual(page.find("h1").get_text(), "Ports")
        self.assertEqual(listed(page), [a.title for n, a in enumerate(self.articles) if n % 2 == 0])

    def test_unknown_tag_is_a_404(self):
        self.assertEqual(self.client.get("/tags/no-such-tag/").status_code, 404)


class AboutPageTests(NewsroomTestCase):
    def test_about_page_is_linked_from_the_footer(self):
        footer = html(self.get("/")).select_one(".site-footer")
        link = footer.find("a", string="About us")
        self.assertEqual(link["href"], "/about/")
        self.assertEqual(html(self.get("/about/")).find("h1").get_text(), "About us")


class NotFoundTests(NewsroomTestCase):
    def test_missing_page_gets_the_site_404(self):
        response = self.client.get("/no/such/page/")
        self.assertEqual(response.status_code, 404)
        self.assertIn("Page not found", response.content.decode())
        self.assertIn("The Caspian Times", response.content.decode())


class FrontPageLeadTests(NewsroomTestCase):
    def lead(self):
        return html(self.get("/")).select_one(".lead-story__headline").get_text(strip=True)

    def test_editors_lead_story_tops_the_front_page(self):
        self.home.lead_story = self.articles[3]
        self.home.save()
        self.assertEqual(self.lead(), self.articles[3].title)
        latest = [a.get_text(strip=True) for a in html(self.get("/")).select(".front__latest .card__title a")]
        self.assertNotIn(self.articles[3].title, latest)
        self.assertIn(self.articles[0].title, latest)

    def test_an_unpublished_or_private_lead_falls_back_to_the_newest(self):
        from wagtail.models import PageViewRestriction

        self.home.lead_story = self.articles[3]
        self.home.save()
        PageViewRestriction.objects.create(page=self.articles[3], restriction_type="password", password="x")
        self.assertEqual(self.lead(), self.articles[0].title)
        PageViewRestriction.objects.all().delete()
        self.articles[3].unpublish()
        self.assertEqual(self.lead(), self.articles[0].title)

    def test_without_a_choice_the_newest_story_with_a_lead_image_leads(self):
        brief = ArticlePageFactory(section=self.caucasus, authors=[self.author], title="Brief: ferry times change")
        self.assertIsNone(brief.lead_image)
        self.assertEqual(self.lead(), self.articles[0].title)  # the brief is newer, but has no image
        cards = html(self.get("/")).select(".front__latest .card")
        [brief_card] = [card for card in cards if card.select_one(".card__title").get_text(strip=True) == brief.title]
        self.assertIn("card--text", brief_card["class"])  # laid out without an image slot
        self.assertIsNone(brief_card.select_one(".card__image"))
        # Only the oldest has one, further back than the latest block reads: found all the same.
        ArticlePage.objects.exclude(pk=self.articles[5].pk).update(lead_image=None)
        with mock.patch("caspian.newsroom.listings.FRONT_PAGE_LATEST_COUNT", 2):
            self.assertEqual(self.lead(), self.articles[5].title)
        ArticlePage.objects.update(lead_image=None)
        self.assertEqual(self.lead(), brief.title)  # no story has one: the newest
