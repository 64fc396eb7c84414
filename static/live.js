// The live view of a meeting: tick the countdown every second and ask the API every two seconds
// whether the motion, its turnout or its result changed (GET /api/v1/meetings/{id}/live with
// If-None-Match: an unchanged meeting answers 304). When it changed, fetch the region as the page
// renders it, in the reader's language and zone, and swap it in.
// Without JavaScript the page is complete and its "Refresh" link reloads it.
(function () {
  "use strict";

  var POLL_MS = 2000;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    var timers = document.querySelectorAll("[role=timer][data-closes-at]");
    for (var i = 0; i < timers.length; i++) {
      var closes = Date.parse(timers[i].getAttribute("data-closes-at"));
      if (isNaN(closes)) { continue; }
      var seconds = Math.max(0, Math.floor((closes - Date.now()) / 1000));
      var hours = Math.floor(seconds / 3600);
      var rest = seconds % 3600;
      timers[i].textContent = hours + ":" + pad(Math.floor(rest / 60)) + ":" + pad(rest % 60);
    }
  }

  function swap(current, html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("#live-region");
    if (!fresh) { return; }
    var sameMotion = fresh.getAttribute("data-motion") === current.getAttribute("data-motion") &&
      fresh.getAttribute("data-state") === current.getAttribute("data-state");
    var oldBody = current.querySelector(".live-body");
    var newBody = fresh.querySelector(".live-body");
    if (sameMotion && oldBody && newBody) {
      // Only turnout changed: replace the part that is not announced, keep the headline still.
      oldBody.innerHTML = newBody.innerHTML;
    } else {
      // A new motion or its result: the headline changes and the live region announces it.
      current.setAttribute("data-motion", fresh.getAttribute("data-motion"));
      current.setAttribute("data-state", fresh.getAttribute("data-state"));
      current.innerHTML = fresh.innerHTML;
    }
    tick();
  }

  function start() {
    var root = document.querySelector("[data-live-source]");
    var region = document.getElementById("live-region");
    if (!root || !region || !window.fetch) { return; }
    var source = root.getAttribute("data-live-source");
    var api = root.getAttribute("data-live-api");
    var etag = null;
    var busy = false;

    function ask(url, tag) {
      var headers = { "Accept": url === api ? "application/json" : "text/html" };
      if (tag) { headers["If-None-Match"] = tag; }
      return fetch(url, { credentials: "same-origin", cache: "no-store", headers: headers });
    }

    function poll() {
      if (busy) { return; }
      busy = true;
      ask(api, etag)
        .then(function (response) {
          if (response.status === 304 || !response.ok) { return null; }
          var fresh = response.headers.get("ETag");
          return ask(source, null).then(function (page) {
            if (!page.ok) { return null; }
            etag = fresh;
            return page.text();
          });
        })
        .then(function (html) {
          if (html) { swap(region, html); }
        })
        .catch(function () { /* the network dropped: try again at the next poll */ })
        .then(function () { busy = false; });
    }

    tick();
    window.setInterval(tick, 1000);
    poll();
    window.setInterval(poll, POLL_MS);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
