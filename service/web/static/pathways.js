/* Pathways search page: progressive enhancement of a page that works without JavaScript.
   - results update in place (fetch of /partials/results) and the URL stays shareable;
   - "Use my location" rounds the position to 2 decimals (about 1 km) before sending it;
   - the shortlist lives in this browser (localStorage) and in its link, never on the server;
     both hold the listings' short codes (service/contract/short_codes.py), so a link of 10 is short.
   No request ever goes to another host. */
(function () {
  "use strict";

  var STORE_KEY = "pathways.shortlist.v2";
  var MAX_SHORTLIST = 20;
  var CODE_RE = /^[0-9a-hjkmnp-tv-z]{7}$/;

  document.documentElement.classList.add("js");

  // --- shortlist (client-side only) -----------------------------------------------------
  function readShortlist() {
    try {
      var ids = JSON.parse(window.localStorage.getItem(STORE_KEY) || "[]");
      return Array.isArray(ids) ? ids.filter(function (id) { return CODE_RE.test(id); }).slice(0, MAX_SHORTLIST) : [];
    } catch (e) {
      return [];
    }
  }

  function writeShortlist(ids) {
    try {
      window.localStorage.setItem(STORE_KEY, JSON.stringify(ids.slice(0, MAX_SHORTLIST)));
    } catch (e) {
      /* storage refused (private mode): the shortlist still works through its link */
    }
    renderShortlistBar();
  }

  function shortlistHref(codes) {
    var lang = new URLSearchParams(window.location.search).get("lang");
    var path = codes.length ? "/s/" + codes.join("") : "/shortlist";
    return path + (lang ? "?lang=" + encodeURIComponent(lang) : "");
  }

  // Ticks kept in the URL (`s`, by the page without JavaScript) join this browser's list.
  (function adoptUrlTicks() {
    var kept = new URLSearchParams(window.location.search).getAll("s").join("");
    if (!kept || window.location.pathname !== "/") return;
    var ids = readShortlist();
    for (var i = 0; i + 7 <= kept.length; i += 7) {
      var code = kept.slice(i, i + 7);
      if (CODE_RE.test(code) && ids.indexOf(code) === -1 && ids.length < MAX_SHORTLIST) ids.push(code);
    }
    try { window.localStorage.setItem(STORE_KEY, JSON.stringify(ids)); } catch (e) { /* link only */ }
  })();

  function renderShortlistBar() {
    var bar = document.getElementById("shortlist-bar");
    var link = document.getElementById("shortlist-link");
    if (!bar || !link) return;
    var ids = readShortlist();
    link.href = shortlistHref(ids);
    link.textContent = (link.getAttribute("data-label") || "{n}").replace("{n}", String(ids.length));
    bar.hidden = ids.length === 0;
  }

  function syncPickBoxes(root) {
    var ids = readShortlist();
    var boxes = root.querySelectorAll("input.pick-box");
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = ids.indexOf(boxes[i].value) !== -1;
    var submit = root.querySelector(".pick-submit");
    if (submit) submit.hidden = true; // with JavaScript, ticking a box already keeps it
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("pick-box")) return;
    var ids = readShortlist().filter(function (id) { return id !== box.value; });
    if (box.checked) {
      if (ids.length >= MAX_SHORTLIST) { box.checked = false; return; }
      ids.push(box.value);
    }
    writeShortlist(ids);
    // Ticking confirms itself: said to screen readers, and the floating button's count moves.
    var link = document.getElementById("shortlist-link");
    var words = link ? link.getAttribute(box.checked ? "data-added" : "data-removed") : "";
    if (words) say(words.replace("{n}", String(ids.length)));
  });

  // --- results without a reload ---------------------------------------------------------
  var form = document.getElementById("search-form");
  var body = document.getElementById("results-body");
  var live = document.getElementById("live-status");
  var fragmentUrl = form ? form.getAttribute("data-fragment") : "";
  var pending = null;
  var debounce = null;

  function say(message) {
    if (!live) return;
    // Clearing first makes screen readers announce the same words again.
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 50);
  }

  function formQuery() {
    var params = new URLSearchParams();
    var data = new FormData(form);
    data.forEach(function (value, key) {
      if (typeof value === "string" && value.trim() !== "") params.append(key, value.trim());
    });
    return params;
  }

  function loadResults(query, options) {
    if (!fragmentUrl || !body) return;
    var params = new URLSearchParams(query);
    params.set("lang", form.getAttribute("data-lang") || "en");
    // The visitor's time zone goes with the fetch only (never into the shareable URL), so a
    // next meeting time can be shown in their own time as well as the venue's.
    if (form.getAttribute("data-tz") && window.Intl && Intl.DateTimeFormat) {
      try {
        var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        if (zone) params.set("tz", zone);
      } catch (e) { /* venue time only */ }
    }
    if (pending) pending.abort();
    pending = new AbortController();
    body.setAttribute("aria-busy", "true");
    say(form.getAttribute("data-msg-searching") || "");
    fetch(fragmentUrl + "?" + params.toString(), {
      signal: pending.signal,
      headers: { Accept: "text/html" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        body.innerHTML = html;
        body.removeAttribute("aria-busy");
        var inner = body.querySelector(".results-inner");
        var status = inner ? inner.getAttribute("data-status") : "";
        if (inner && inner.getAttribute("data-title")) {
          document.title = inner.getAttribute("data-title") + " – Pathways";
        }
        syncPickBoxes(body);
        // A filter changed in the open form leaves it open; a search folds it.
        foldForm(inner ? inner.getAttribute("data-summary") : "", options.focus);
        say(status || "");
        if (options.focus) {
          var heading = document.getElementById("results-heading");
          if (heading) heading.focus();
        }
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") return;
        // Network trouble: fall back to a plain page load, which shows a friendly error.
        window.location.href = (form.getAttribute("action") || "/") + "?" + query.toString();
      });
  }

  function navigate(query, options) {
    var url = (form.getAttribute("action") || "/") + (query.toString() ? "?" + query.toString() : "");
    if (options.push) window.history.pushState({ pathways: true }, "", url);
    loadResults(query, options);
  }

  function syncFormFromQuery(query) {
    var fields = form.elements;
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (!field.name || field.type === "hidden") continue;
      var values = query.getAll(field.name);
      if (field.type === "checkbox") {
        field.checked = values.indexOf(field.value) !== -1;
      } else if (field.tagName === "SELECT" || field.tagName === "INPUT") {
        if (field.name === "radius_km" || field.name === "sort") {
          if (values.length) field.value = values[0];
        } else {
          field.value = values.length ? values[0] : "";
        }
      }
    }
  }

  if (form && fragmentUrl) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(debounce);
      navigate(formQuery(), { push: true, focus: true });
    });

    form.addEventListener("change", function (event) {
      var target = event.target;
      if (!target.name || target.id === "near" || target.id === "q") return;
      // Filters apply as they change; focus stays on the control (WCAG 3.2.2).
      window.clearTimeout(debounce);
      debounce = window.setTimeout(function () {
        navigate(formQuery(), { push: true, focus: false });
      }, 350);
    });

    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a.js-nav") : null;
      if (!link || !body.contains(link)) return;
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      var url = new URL(link.href, window.location.href);
      syncFormFromQuery(url.searchParams);
      url.searchParams.delete("lang");
      window.history.pushState({ pathways: true }, "", link.href);
      loadResults(url.searchParams, { focus: true });
    });

    window.addEventListener("popstate", function () {
      var query = new URLSearchParams(window.location.search);
      syncFormFromQuery(query);
      query.delete("lang");
      loadResults(query, { focus: false });
    });
  }

  // Wide screens show the form and filters beside the results, so they start unfolded
  // there; narrow ones fold the form into its one-line summary once there are results.
  var wide = window.matchMedia && window.matchMedia("(min-width: 56rem)").matches;
  var filters = document.getElementById("filters");
  var fold = document.getElementById("search-fold");
  if (wide && filters) filters.open = true;
  if (wide && fold) fold.open = true;

  function foldForm(summary, close) {
    if (!fold || !summary) return;
    var line = fold.querySelector(".search-summary");
    var words = document.getElementById("search-summary-text");
    if (words) words.textContent = summary;
    if (line) line.hidden = false;
    if (close && !wide) fold.open = false;
  }

  // --- "Use my location" -----------------------------------------------------------------
  var locate = document.getElementById("use-location");
  var near = document.getElementById("near");
  if (locate && near && "geolocation" in navigator) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      say(form.getAttribute("data-msg-locating") || "");
      locate.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          locate.disabled = false;
          // Two decimals is about 1 km: enough to find help nearby, not a street address.
          var lat = position.coords.latitude.toFixed(2);
          var lng = position.coords.longitude.toFixed(2);
          near.value = lat + "," + lng;
          say(form.getAttribute("data-msg-located") || "");
          if (form.requestSubmit) form.requestSubmit(); else form.submit();
        },
        function () {
          locate.disabled = false;
          say(form.getAttribute("data-msg-locate-failed") || "");
          near.focus();
        },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 }
      );
    });
  }

  // --- shortlist page: print, copy, remove --------------------------------------------------
  var printButton = document.getElementById("print-button");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }

  var copyButton = document.getElementById("copy-text");
  var shareText = document.getElementById("share-text");
  if (copyButton && shareText) {
    copyButton.hidden = false;
    copyButton.addEventListener("click", function () {
      var status = document.getElementById("copy-status");
      function done() { if (status) status.textContent = copyButton.getAttribute("data-done") || ""; }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(shareText.value).then(done, function () {
          shareText.select();
          if (document.execCommand("copy")) done();
        });
      } else {
        shareText.select();
        if (document.execCommand("copy")) done();
      }
    });
  }

  var clearButton = document.getElementById("clear-shortlist");
  if (clearButton) {
    clearButton.hidden = false;
    clearButton.addEventListener("click", function () {
      writeShortlist([]);
      window.location.href = shortlistHref([]);
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.js-remove") : null;
    if (!link) return;
    var id = link.getAttribute("data-code");
    writeShortlist(readShortlist().filter(function (x) { return x !== id; }));
  });

  // --- listing page: the next time in the viewer's own zone, and copying its link ---------
  var viewer = document.querySelector(".viewer-time[data-when]");
  if (viewer && window.Intl && Intl.DateTimeFormat) {
    try {
      var when = new Date(viewer.getAttribute("data-when"));
      var shown = new Intl.DateTimeFormat(viewer.getAttribute("data-lang") || "en", {
        weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit",
        timeZoneName: "short",
      }).format(when);
      viewer.textContent = (viewer.getAttribute("data-label") || "{when}").replace("{when}", shown);
      viewer.hidden = false;
    } catch (e) { /* the venue's time stays */ }
  }

  var copyLink = document.getElementById("copy-link");
  if (copyLink && navigator.clipboard && navigator.clipboard.writeText) {
    copyLink.hidden = false;
    copyLink.addEventListener("click", function () {
      var status = document.getElementById("copy-status");
      navigator.clipboard.writeText(copyLink.getAttribute("data-url") || window.location.href).then(
        function () { if (status) status.textContent = copyLink.getAttribute("data-done") || ""; },
        function () { var field = document.getElementById("share-url"); if (field) field.select(); }
      );
    });
  }

  renderShortlistBar();
  syncPickBoxes(document);
})();
