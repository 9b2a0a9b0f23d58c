"""Without Varnish the proxy tests are skipped, saying what to install; under CASPIAN_REQUIRE_PROXY=1 they fail."""

import pytest

from .. import varnish

pytestmark = pytest.mark.pure


def test_missing_varnish_skips_with_what_to_install(monkeypatch):
    monkeypatch.setattr(varnish, "varnish_available", lambda: False)
    monkeypatch.delenv("CASPIAN_REQUIRE_PROXY", raising=False)

    with pytest.raises(pytest.skip.Exception, match="apt-get install varnish varnish-modules"):
        varnish.require_varnish()


def test_missing_varnish_fails_when_required(monkeypatch):
    monkeypatch.setattr(varnish, "varnish_available", lambda: False)
    monkeypatch.setenv("CASPIAN_REQUIRE_PROXY", "1")

    with pytest.raises(pytest.fail.Exception, match="Varnish 7 with varnish-modules is not installed"):
        varnish.require_varnish()


def test_the_backends_file_puts_every_app_server_in_the_round_robin():
    text = varnish.backends_vcl([("127.0.0.1", 8001), ("10.0.0.2", 8000)])

    assert 'backend app2 {\n    .host = "10.0.0.2";\n    .port = "8000";' in text
    assert "app.add_backend(app1);\n    app.add_backend(app2);" in text
