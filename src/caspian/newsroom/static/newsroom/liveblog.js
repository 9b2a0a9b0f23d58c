// Live blog updates: while the live blog is open and its tab in view, ask its updates address for
// new entries every poll interval and put them in place, newest first, telling screen readers how
// many arrived. The address is served from the page cache (usually as 304 Not Modified), so polling
// is cheap. Without this script the page shows every entry and asks readers to reload.
(function () {
  "use strict";

  var root = document.querySelector("[data-live-updates]");
  if (!root || !window.fetch || !("content" in document.createElement("template"))) {
    return;
  }
  var url = root.getAttribute("data-live-updates");
  var version = root.getAttribute("data-live-version");
  var interval = Math.max(10, Number(root.getAttribute("data-poll-seconds")) || 30) * 1000;
  var feed = root.querySelector("[data-live-entries]");
  var status = root.querySelector("[data-live-status]");
  var keyUpdates = root.querySelector("[data-live-key-updates]");
  var refresh = root.querySelector("[data-live-refresh]");
  var announcer = root.querySelector("[data-live-announcer]");
  var timer = null;
  var lastPoll = Date.now();
  var open = true;

  if (refresh) {
    refresh.textContent = "New updates appear here as they are published.";
  }

  function element(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function announce(message) {
    // Emptied first, so the same message twice in a row is announced twice.
    announcer.textContent = "";
    window.setTimeout(function () {
      announcer.textContent = message;
    }, 100);
  }

  // Put the entries in the order the server gives (newest first): new ones go in after the
  // entry before them, changed ones are replaced, those no longer published are removed.
  function applyEntries(data) {
    var wanted = {};
    data.ids.forEach(function (id) {
      wanted[id] = true;
    });
    Array.prototype.forEach.call(feed.querySelectorAll(".live-entry"), function (entry) {
      if (!wanted[entry.id]) {
        entry.remove();
      }
    });
    var added = 0;
    var previous = null;
    data.entries.forEach(function (item) {
      var current = document.getElementById(item.id);
      var node = current;
      if (!current) {
        node = element(item.html);
        node.classList.add("live-entry--new");
        if (previous) {
          previous.after(node);
        } else {
          feed.prepend(node);
        }
        added += 1;
      } else if (current.getAttribute("data-version") !== item.version) {
        node = element(item.html);
        current.replaceWith(node);
      }
      previous = node;
    });
    var empty = feed.querySelector(".live-blog__empty");
    if (empty && data.ids.length) {
      empty.remove();
    }
    var missed = data.ids.some(function (id) {
      return !document.getElementById(id);
    });
    if (missed && refresh) {
      refresh.textContent = "More updates were published than shown here: reload the page to see them all.";
    }
    return added;
  }

  function apply(data) {
    if (data.version === version) {
      return;
    }
    version = data.version;
    var added = applyEntries(data);
    status.innerHTML = data.status;
    keyUpdates.innerHTML = data.key_updates;
    if (added) {
      announce(added === 1 ? "1 new update" : added + " new updates");
    }
    if (!data.open) {
      open = false;
      if (refresh) {
        refresh.remove();
      }
    }
  }

  function schedule() {
    window.clearTimeout(timer);
    if (open && document.visibilityState === "visible") {
      timer = window.setTimeout(poll, Math.max(0, interval - (Date.now() - lastPoll)));
    }
  }

  function poll() {
    window.clearTimeout(timer);
    lastPoll = Date.now();
    // "no-cache": always ask the server (a 304 when nothing changed), never take a stale copy.
    fetch(url, { cache: "no-cache", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data) {
          apply(data);
        }
      })
      .catch(function () {
        // Offline for a moment: the next poll tries again.
      })
      .then(schedule);
  }

  document.addEventListener("visibilitychange", schedule);
  schedule();
})();
