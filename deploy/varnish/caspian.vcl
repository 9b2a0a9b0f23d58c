vcl 4.1;

# Varnish in front of Caspian's app servers (docs/deploy.md).
#
# What Caspian sends and expects (caspian/pagecache/):
# - Reader pages answer `Cache-Control: public, max-age=0, s-maxage=300,
#   stale-while-revalidate=60, stale-if-error=86400`, with `Surrogate-Key`
#   (and `Cache-Tag`, the same tags under Cloudflare's name), `ETag`,
#   `Last-Modified` and no Set-Cookie: the same bytes for every reader.
# - Purges come from the app servers as HTTP PURGE requests:
#     PURGE /some/page/ with `Host: <site>`   removes that page (all its variants);
#     PURGE / with `xkey-purge: t1 t2`          removes every page tagged t1 or t2;
#     PURGE / with `xkey-softpurge: t1 t2`      expires them but keeps them in grace:
#                                               the next reader gets the stale copy
#                                               while one background fetch refreshes it.
#   Only clients in the `purgers` ACL may purge; others get 405.
#
# Tested against a real varnishd by tests/deploy/test_varnish.py.

import directors;
import std;
import xkey;

# The app servers and the `app` director: a separate file, found on
# Varnish's vcl_path (/etc/varnish by default), so operators and tests point
# Varnish elsewhere without editing this one.
include "backends.vcl";

# Who may purge: the app servers. Add their addresses (or a network such as
# "10.0.0.0"/24) when they run on other machines than Varnish.
acl purgers {
    "127.0.0.1";
    "::1";
}

# Who relays readers' requests to Varnish: nginx (deploy/nginx/caspian.conf),
# which sets X-Forwarded-Proto on everything it relays. Add its address when
# it runs on another machine. Because nginx connects from loopback too, a
# request that carries X-Forwarded-Proto is a reader's, even from an address
# in `purgers`: that is what stops readers from purging through nginx.
acl proxies {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.restarts == 0) {
        # Flags this file passes between its own subroutines: never a client's.
        unset req.http.X-Caspian-Trusted;
        unset req.http.X-Caspian-Cookie;
        unset req.http.X-Caspian-Refresh;
        unset req.http.X-Caspian-Stale;
        unset req.http.X-Cache;
        if (client.ip ~ purgers && !req.http.X-Forwarded-Proto) {
            set req.http.X-Caspian-Trusted = "1";
        }
        if (client.ip ~ proxies && req.http.X-Forwarded-Proto) {
            # Varnish appended the relay's own address (loopback) to the
            # X-Forwarded-For that nginx built. Caspian takes the last entry as
            # the reader's address (comment rate limits, moderation), so
            # leave nginx's entry last.
            set req.http.X-Forwarded-For = regsub(req.http.X-Forwarded-For, ",\s*[^,]*$", "");
        }
    }

    set req.backend_hint = app.backend();

    # Links shared on social media and in newsletters carry tracking
    # parameters that never change the page: drop them and sort what is left,
    # so /a?utm_source=x&b=1&a=2 and /a?a=2&b=1 are one cached object (and one
    # URL purge removes it).
    if (req.url ~ "[?&](utm_[A-Za-z_]+|fbclid|gclid)=") {
        set req.url = regsuball(req.url, "(?<=[?&])(utm_[A-Za-z_]+|fbclid|gclid)=[^&]*(&|$)", "");
        set req.url = regsub(req.url, "[?&]+$", "");
    }
    set req.url = std.querysort(req.url);

    if (req.method == "PURGE") {
        if (!req.http.X-Caspian-Trusted) {
            return (synth(405, "PURGE is only accepted from the purgers ACL in caspian.vcl, not through a proxy"));
        }
        if (req.http.xkey-purge) {
            # Hard: the page itself changed, the old copy must never be served again.
            set req.http.X-Caspian-Purged = xkey.purge(req.http.xkey-purge);
            return (synth(200, "Purged " + req.http.X-Caspian-Purged));
        }
        if (req.http.xkey-softpurge) {
            # Soft: a list on the page changed; stale for one more reader is fine.
            set req.http.X-Caspian-Purged = xkey.softpurge(req.http.xkey-softpurge);
            return (synth(200, "Soft-purged " + req.http.X-Caspian-Purged));
        }
        # The page at this URL and Host, every variant of it (vcl_purge).
        return (purge);
    }

    # Writes (comments, the admin) always reach an app server. Also covers
    # methods Varnish's built-in VCL would pipe.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Never cached whatever they answer: the admin and comments (posts, the
    # per-reader no-store form token), health checks (a load balancer must
    # see the app server, not a copy) and documents (Wagtail checks
    # permissions on each download).
    if (req.url ~ "^/(admin|comments|documents)(/|\?|$)" || req.url ~ "^/healthz(/|\?|$)") {
        return (pass);
    }
    # Editors carry Django's session cookie and must see the site as it is;
    # API partners send a key, which Caspian must check, count and limit.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=" || req.http.Authorization || req.http.X-API-Key) {
        return (pass);
    }
    # Readers' cookies (caspian_commenter, analytics) are read by JavaScript
    # only, and reader pages are the same bytes for everyone: look up without
    # them, so a reader with cookies still gets the cached copy. They are
    # kept aside for a page that turns out not to be cacheable (vcl_miss).
    if (req.http.Cookie) {
        set req.http.X-Caspian-Cookie = req.http.Cookie;
        unset req.http.Cookie;
    }

    if (req.http.X-Caspian-Refresh) {
        # Second pass after vcl_hit found a copy older than its
        # stale-while-revalidate window: no grace this time, so the reader
        # waits for a fresh copy (a conditional fetch with the old ETag).
        set req.grace = 0s;
    } else if (req.restarts > 0) {
        # Restarts keep req.grace: lift the limit again (the object's own
        # grace applies) for the stale-if-error pass.
        set req.grace = 3650d;
    }
    return (hash);
}

sub vcl_hit {
    set req.http.X-Cache = "HIT";
    if (obj.ttl >= 0s) {
        return (deliver);
    }
    # Stale. Within the origin's stale-while-revalidate window (or after a
    # soft purge, which keeps the window): deliver at once; Varnish starts
    # one background fetch to refresh it, and later readers share it.
    if (obj.ttl + std.duration(obj.http.X-Caspian-SWR, 0s) > 0s) {
        return (deliver);
    }
    # Past that window the copy is only kept for stale-if-error: serve it
    # when the app servers are down (probe) or failed just now (vcl_deliver,
    # vcl_synth restarted us with X-Caspian-Stale).
    if (req.http.X-Caspian-Stale || !std.healthy(req.backend_hint)) {
        return (deliver);
    }
    # Otherwise fetch a fresh copy while the reader waits: look up again
    # without grace (vcl_recv).
    set req.http.X-Caspian-Refresh = "1";
    return (restart);
}

sub vcl_miss {
    if (req.is_hitmiss) {
        # Known not to be cacheable (it set a cookie, was private, ...):
        # this reader's own page, so their cookies go with it.
        set req.http.X-Cache = "PASS";
        call caspian_restore_cookie;
    } else {
        set req.http.X-Cache = "MISS";
    }
}

sub vcl_pass {
    set req.http.X-Cache = "PASS";
    call caspian_restore_cookie;
}

sub caspian_restore_cookie {
    if (req.http.X-Caspian-Cookie) {
        set req.http.Cookie = req.http.X-Caspian-Cookie;
    }
}

sub vcl_backend_fetch {
    if (bereq.is_bgfetch && bereq.http.X-Caspian-Stale) {
        # Serving stale because a fetch for this reader just failed: the
        # background refresh that delivery starts would only fail again.
        return (abandon);
    }
    # This file's flags stay in Varnish.
    unset bereq.http.X-Cache;
    unset bereq.http.X-Caspian-Trusted;
    unset bereq.http.X-Caspian-Cookie;
    unset bereq.http.X-Caspian-Refresh;
    unset bereq.http.X-Caspian-Stale;
}

sub vcl_backend_response {
    # An app server error must not replace the copy readers are getting.
    # Varnish drops the stale copy once a fetch meant to replace it
    # completes, even with an uncacheable error: so abandon the fetch
    # instead, both a background refresh (the stale copy stays in grace) and
    # a reader's fetch revalidating a stale copy (Varnish added
    # If-None-Match / If-Modified-Since from it, and Caspian's pages always
    # have an ETag), for which vcl_synth then serves the stale copy. Other
    # errors reach the reader uncached.
    if (beresp.status >= 500) {
        if (bereq.is_bgfetch ||
            (!bereq.uncacheable && (bereq.http.If-None-Match || bereq.http.If-Modified-Since))) {
            return (abandon);
        }
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }

    # Tag purges: xkey indexes objects by their `xkey` header.
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }

    if (bereq.url ~ "^/(static|media)/") {
        # Long-lived files (versioned static files, uploads). Caspian's static
        # files say how long themselves; media served by Django does not.
        unset beresp.http.Set-Cookie;
        if (!beresp.http.Cache-Control && !beresp.http.Expires) {
            set beresp.ttl = 1d;
        }
    } else if (!beresp.http.Cache-Control && !beresp.http.Expires && !beresp.http.Surrogate-Control) {
        # Cache only what Caspian marks cacheable. Varnish would otherwise keep
        # any 200 without caching headers for default_ttl (search results,
        # redirects to HTTPS, error pages) with no tag to purge it by.
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }

    # Varnish 7.1 already reads s-maxage (ahead of max-age) into beresp.ttl and
    # stale-while-revalidate into beresp.grace (tests/deploy pin both).
    # Remember that window for vcl_hit before grace is stretched below.
    set beresp.http.X-Caspian-SWR = beresp.grace + "s";
    # stale-if-error: keep the copy in grace that long, so it can be served
    # while the app servers are down or failing (vcl_hit decides when).
    if (beresp.http.Cache-Control ~ "(?i)stale-if-error=[0-9]+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, "(?i)^.*stale-if-error=([0-9]+).*$", "\1s"), beresp.grace);
        if (beresp.grace < std.duration(beresp.http.X-Caspian-SWR, 0s)) {
            set beresp.grace = std.duration(beresp.http.X-Caspian-SWR, 0s);
        }
    }
    # Beyond grace, keep the copy a little longer for conditional fetches:
    # Varnish revalidates it with If-None-Match / If-Modified-Since and an
    # unchanged page comes back as a 304 without its body.
    set beresp.keep = 10m;

    # Compress text once, when stored, rather than on every request (nginx
    # passes it through; readers without gzip get it uncompressed).
    if (!beresp.http.Content-Encoding && beresp.http.Content-Type ~
            "(?i)^(text/|application/(json|javascript|xml|rss\+xml|atom\+xml|feed\+json|ld\+json|manifest\+json)|image/svg\+xml)") {
        set beresp.do_gzip = true;
    }
    # Then Varnish's built-in rules: no caching with Set-Cookie, private,
    # no-store, no-cache or `Vary: *`.
}

sub vcl_backend_error {
    # The app server could not be reached. Same as a 5xx: a background
    # refresh keeps the stale copy; a reader's fetch gets an error that
    # replaces nothing (ttl 0), and vcl_synth falls back to the stale copy.
    if (bereq.is_bgfetch) {
        return (abandon);
    }
    set beresp.ttl = 0s;
    set beresp.grace = 0s;
    set beresp.keep = 0s;
}

sub vcl_deliver {
    if (resp.status >= 500 && req.http.X-Caspian-Refresh && !req.http.X-Caspian-Stale) {
        # The fresh copy failed: stale-if-error, serve the kept one.
        call caspian_fall_back_to_stale;
    }
    if (req.http.X-Cache) {
        set resp.http.X-Cache = req.http.X-Cache;
    }
    unset resp.http.X-Caspian-SWR;
    # The tags are for purging: only the purgers see them. Cache-Tag stays,
    # for a CDN in front (Cloudflare reads it and strips it itself).
    if (!req.http.X-Caspian-Trusted) {
        unset resp.http.Surrogate-Key;
        unset resp.http.xkey;
    }
    # Cache-Control goes out as the origin wrote it: s-maxage is for shared
    # caches, and browsers revalidate (max-age=0) with the ETag. Age stays.
}

sub vcl_synth {
    if (resp.status >= 500 && req.http.X-Caspian-Refresh && !req.http.X-Caspian-Stale) {
        # The app servers could not be reached for a fresh copy.
        call caspian_fall_back_to_stale;
    }
    if (req.method == "PURGE") {
        # A short plain answer for Caspian's purge client and for people
        # trying it with curl; the count is the number of objects.
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        if (req.http.X-Caspian-Purged) {
            set resp.http.X-Purged = req.http.X-Caspian-Purged;
        }
        if (resp.status == 405) {
            set resp.http.Allow = "GET, HEAD, POST";
        }
        set resp.body = resp.reason + {"
"};
        return (deliver);
    }
}

sub caspian_fall_back_to_stale {
    unset req.http.X-Caspian-Refresh;
    set req.http.X-Caspian-Stale = "1";
    return (restart);
}
