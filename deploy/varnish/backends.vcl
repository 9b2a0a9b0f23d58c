# Caspian's app servers, for deploy/varnish/caspian.vcl (which includes this
# file by name from Varnish's vcl_path: keep both in /etc/varnish/).
#
# Kept apart from caspian.vcl so an operator (or the tests, which write their
# own) can point Varnish at other app servers without touching the rules.
# The contract: this file defines a director named `app`; caspian.vcl sends
# every request that reaches an app server to app.backend().
#
# To add a second app server: copy the `backend app1` block as `app2` with its
# address, and add `app.add_backend(app2);` to vcl_init below. Then reload:
#   varnishreload            (Debian's script), or
#   varnishadm vcl.load caspian2 /etc/varnish/caspian.vcl && varnishadm vcl.use caspian2

# Each app server's /healthz answers 200 while its database and cache answer,
# 503 otherwise. A backend that fails the probe is taken out of the
# round-robin; when all are out, caspian.vcl serves cached pages stale
# (stale-if-error) instead of error pages.
probe caspian_healthz {
    # The Host must be one of ALLOWED_HOSTS, or Django answers 400 and the
    # app server is marked sick: use the site's host name in production.
    .request =
        "GET /healthz HTTP/1.1"
        "Host: localhost"
        "User-Agent: Varnish health probe"
        "Connection: close";
    .interval = 5s;
    .timeout = 2s;
    # Sick after 3 failures out of the last 5 probes, healthy again after 3 good ones.
    .window = 5;
    .threshold = 3;
    # Start healthy, so a restart of Varnish serves at once.
    .initial = 3;
}

backend app1 {
    .host = "127.0.0.1";
    .port = "8000";
    .probe = caspian_healthz;
    .connect_timeout = 2s;
    # An uncached page renders in well under a second; a minute covers an
    # admin upload or a large export without holding workers forever.
    .first_byte_timeout = 60s;
    .between_bytes_timeout = 10s;
}

sub vcl_init {
    # Round robin: every healthy app server gets its share; a sick one is skipped.
    new app = directors.round_robin();
    app.add_backend(app1);
}
