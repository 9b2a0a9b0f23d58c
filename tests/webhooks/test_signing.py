"""Signatures as Standard Webhooks define them, checked against the standardwebhooks package; addresses refused."""

from datetime import UTC, datetime

import pytest
from django.test import override_settings
from standardwebhooks import Webhook

from caspian.webhooks import outbound, sending, signing
from caspian.webhooks.models import new_secret

pytestmark = pytest.mark.pure


def test_secrets_are_whsec_and_24_random_bytes_or_more():
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(signing.secret_bytes(secret)) >= 24
    assert new_secret() != secret


def test_our_signature_is_the_one_standardwebhooks_computes():
    secret, body = new_secret(), '{"type":"article.published","data":{"headline":"Baku – Aktau"}}'
    headers = signing.headers([secret], "msg_1", 1_765_000_000, body)
    assert headers["webhook-signature"] == Webhook(secret).sign(
        "msg_1", datetime.fromtimestamp(1_765_000_000, UTC), body
    )
    assert headers["webhook-signature"].startswith("v1,")


def test_several_secrets_give_several_signatures_any_of_which_verifies():
    old, new, body = new_secret(), new_secret(), "{}"
    signature = signing.headers([new, old], "msg_2", 1, body)["webhook-signature"]
    assert signature.split(" ") == [signing.signature(new, "msg_2", 1, body), signing.signature(old, "msg_2", 1, body)]


def test_the_backoff_schedule():
    assert [sending.retry_delay(n) for n in range(1, 9)] == [30, 120, 600, 3600, 10800, 21600, 21600, 21600]


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
    ],
)
def test_addresses_that_are_not_public(address):
    assert not outbound.is_public(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses(address):
    assert outbound.is_public(address)


@override_settings(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=False)
@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/", "http://localhost/hooks", "https://[::1]/", "http://10.9.8.7/"]
)
def test_private_addresses_are_refused_unless_allowed(url):
    with pytest.raises(outbound.Refused, match="private or local address"):
        outbound.check_url(url)
    with override_settings(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=True):
        assert outbound.check_url(url)


def test_only_web_addresses():
    with pytest.raises(outbound.Refused, match="starting with https://"):
        outbound.check_url("file:///etc/passwd")
