"""The OpenAPI 3.1 description: valid, generated from the code, every path in it answering; the browsable docs."""

import re

from bs4 import BeautifulSoup
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from .scenario import ApiTestCase


class OpenApiTests(ApiTestCase):
    def test_the_description_is_valid_openapi_3_1_and_every_path_in_it_answers(self):
        spec = self.api("openapi.json")
        self.assertEqual(spec["openapi"], "3.1.0")
        validate(spec, cls=OpenAPIV31SpecValidator)
        values = {
            "id": {
                "articles": self.articles[0].pk,
                "live-blogs": self.live_blog.pk,
                "sections": self.caucasus.pk,
                "authors": self.author.pk,
                "topics": self.topic.pk,
            },
            "slug": {"tags": "ports"},
        }
        self.assertEqual(len(spec["paths"]), 13)
        for path, operations in spec["paths"].items():
            self.assertEqual(set(operations), {"get"}, path)  # read-only
            resource = path.split("/")[3]
            url = re.sub(r"\{(\w+)\}", lambda m, resource=resource: str(values[m.group(1)][resource]), path)
            with self.subTest(url):
                data = self.api(url)
                if "{" not in path.rstrip("/").rsplit("/", 1)[-1]:  # a list
                    self.assertTrue(data["items"], url)
                    self.assertIn("next", data)
        schemes = spec["components"]["securitySchemes"]
        self.assertEqual({s["type"] for s in schemes.values()}, {"http", "apiKey"})

    def test_browsable_docs_work_under_the_content_security_policy(self):
        response = self.client.get("/api/v1/docs")
        self.assertEqual(response.status_code, 200)
        policy = response["Content-Security-Policy"]
        self.assertIn("script-src 'self'", policy)
        page = BeautifulSoup(response.content, "html.parser")
        for script in page.find_all("script"):
            # Scripts come from our own static files; the one inline block is data, which no policy runs.
            self.assertTrue(script.get("src", "").startswith("/static/") or script.get("type") == "application/json")
        for stylesheet in page.find_all("link", rel="stylesheet"):
            self.assertTrue(stylesheet["href"].startswith("/static/"))
        settings_block = page.find("script", id="swagger-settings")
        self.assertIn("/api/v1/openapi.json", settings_block.string)
