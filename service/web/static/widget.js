/* Pathways partner widget.
   <script src="https://PATHWAYS_HOST/embed/v1/widget.js" data-partner="KEY"></script>
   Options (data attributes): data-lang="en|es", data-accent="#0a4d8c", data-per-page="5",
   data-kind / data-need / data-language / data-community / data-accessibility /
   data-attendance / data-cost (comma-separated codes), data-near, data-radius-km,
   data-target (id of an element to render into), data-heading-level (2-6).
   It renders inside a Shadow DOM, so neither page's styles leak into the other, and it talks
   only to the Pathways host it was loaded from. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src) return;
  var BASE = new URL(script.src, window.location.href).origin;
  var data = script.dataset;
  var FILTERS = ["kind", "need", "language", "community", "accessibility", "attendance", "cost"];
  var WORDS = {
    en: {
      title: "Find support",
      crisis: "Need help now?",
      lifeline: "988 Suicide & Crisis Lifeline:",
      call988: "Call 988",
      text988: "Text 988",
      samhsa: "SAMHSA National Helpline:",
      samhsaCall: "Call 1-800-662-4357",
      any: "Any",
      denied: "This website is not allowed to show Pathways search.",
      limited: "Too many searches right now. Please wait a minute and try again.",
      offline: "Pathways search can't be reached right now. Please try again later.",
      loading: "Loading…",
    },
    es: {
      title: "Encuentre apoyo",
      crisis: "¿Necesita ayuda ahora?",
      lifeline: "Línea 988 de Prevención del Suicidio y Crisis (para español, marque 2):",
      call988: "Llamar al 988",
      text988: "Enviar texto al 988",
      samhsa: "Línea Nacional de Ayuda de SAMHSA:",
      samhsaCall: "Llamar al 1-800-662-4357",
      any: "Cualquiera",
      denied: "Este sitio web no tiene permiso para mostrar la búsqueda de Pathways.",
      limited: "Demasiadas búsquedas en este momento. Espere un minuto y vuelva a intentarlo.",
      offline: "No se puede acceder a la búsqueda de Pathways ahora. Vuelva a intentarlo más tarde.",
      loading: "Cargando…",
    },
  };

  function pickLang() {
    var wanted = (data.lang || document.documentElement.lang || navigator.language || "en").toLowerCase();
    return wanted.slice(0, 2) === "es" ? "es" : "en";
  }

  // An accent colour is used for text and button backgrounds on white, so it must keep a
  // contrast of at least 4.5:1 (WCAG AA); anything else falls back to the default.
  function checkedAccent(value) {
    var match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec((value || "").trim());
    if (!match) return null;
    var hex = match[1].length === 3 ? match[1].replace(/(.)/g, "$1$1") : match[1];
    var channels = [0, 2, 4].map(function (i) {
      var c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
    if (1.05 / (luminance + 0.05) < 4.5) {
      if (window.console) console.warn("Pathways widget: data-accent " + value + " has too little contrast on white; using the default.");
      return null;
    }
    return "#" + hex.toLowerCase();
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  var lang = pickLang();
  var words = WORDS[lang];
  var askedPerPage = parseInt(data.perPage || "", 10);
  var perPage = askedPerPage > 0 ? Math.min(50, askedPerPage) : null;
  var headingLevel = Math.min(6, Math.max(2, parseInt(data.headingLevel || "2", 10) || 2));
  var accent = checkedAccent(data.accent);

  var host = el("div", { "class": "pathways-widget", "data-partner": data.partner || "" });
  var root = host.attachShadow({ mode: "open" });
  // Named from the start; once built, by its visible heading.
  var frame = el("section", { "class": "pw", lang: lang, "aria-label": words.title });
  root.appendChild(frame);

  // Into data-target, else right after the script; a script in <head> (or one that runs
  // before its target exists) waits for the DOM and renders at the end of <body>.
  function mount() {
    var target = data.target ? document.getElementById(data.target) : null;
    if (target) target.appendChild(host);
    else if (document.body && document.body.contains(script)) {
      script.parentNode.insertBefore(host, script.nextSibling);
    } else if (document.body) document.body.appendChild(host);
    else return false;
    return true;
  }
  var inBody = document.body && document.body.contains(script);
  var waitForTarget = data.target && !document.getElementById(data.target);
  if (document.readyState === "loading" && (!inBody || waitForTarget)) {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }

  function crisisLines() {
    return el("div", { "class": "pw-crisis" }, [
      el("p", {}, [el("strong", { text: words.crisis })]),
      el("p", {}, [
        document.createTextNode(words.lifeline + " "),
        el("a", { href: "tel:988", text: words.call988 }),
        document.createTextNode(" "),
        el("a", { href: "sms:988", text: words.text988 }),
      ]),
      el("p", {}, [
        document.createTextNode(words.samhsa + " "),
        el("a", { href: "tel:+18006624357", text: words.samhsaCall }),
      ]),
    ]);
  }

  function showError(problem) {
    var slug = problem && problem.type ? String(problem.type).split("/").pop() : "";
    var message = slug === "partner-not-allowed" ? words.denied
      : slug === "rate-limited" ? words.limited : words.offline;
    var box = el("div", { "class": "pw-error", role: "alert" }, [
      el("p", { "class": "pw-error-title", text: message }),
      problem && problem.detail ? el("p", { "class": "pw-error-detail", lang: "en", text: problem.detail }) : null,
    ]);
    var results = frame.querySelector(".pw-results");
    if (results) { results.textContent = ""; results.appendChild(box); }
    else frame.appendChild(box);
  }

  function readProblem(response) {
    return response.json().then(function (body) { return body; }, function () { return null; });
  }

  function query(extra) {
    var params = new URLSearchParams();
    params.set("partner", data.partner || "");
    params.set("lang", lang);
    FILTERS.forEach(function (name) {
      (data[name] || "").split(",").forEach(function (value) {
        if (value.trim()) params.append(name, value.trim());
      });
    });
    if (data.near) params.set("near", data.near);
    if (data.radiusKm) params.set("radius_km", data.radiusKm);
    if (perPage) params.set("per_page", String(perPage));
    Object.keys(extra || {}).forEach(function (name) {
      var value = extra[name];
      // A filter preset by a data attribute has no control, so nothing here overrides it;
      // the server ANDs the partner's own presets with all of these anyway.
      if (value !== undefined && value !== null && String(value).trim() !== "") {
        params.set(name, String(value).trim());
      }
    });
    return params.toString();
  }

  function get(path, extra) {
    return fetch(BASE + path + "?" + query(extra), { mode: "cors", credentials: "omit" });
  }

  function loadStyles() {
    return fetch(BASE + "/embed/v1/widget.css", { mode: "cors", credentials: "omit" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .catch(function () { return ""; })
      .then(function (css) {
        if (accent) css += "\n:host { --pw-accent: " + accent + "; }";
        if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet) {
          try {
            var sheet = new CSSStyleSheet();
            sheet.replaceSync(css);
            root.adoptedStyleSheets = [sheet];
            return;
          } catch (e) { /* fall through to a <style> element */ }
        }
        root.insertBefore(el("style", { text: css }), root.firstChild);
      });
  }

  function field(id, label, control) {
    return el("div", { "class": "pw-field" }, [el("label", { "for": id, text: label }), control]);
  }

  function select(id, name, options) {
    var control = el("select", { id: id, name: name }, [el("option", { value: "", text: words.any })]);
    options.forEach(function (option) {
      control.appendChild(el("option", { value: option.code, text: option.label }));
    });
    return control;
  }

  function build(config) {
    var s = config.strings;
    frame.appendChild(el("h" + headingLevel, { id: "pw-title", text: s.embed_title }));
    frame.removeAttribute("aria-label");
    frame.setAttribute("aria-labelledby", "pw-title");
    frame.appendChild(el("p", { "class": "pw-by", text: s.embed_by.replace("{partner}", config.partner.name) }));
    frame.appendChild(crisisLines());
    var form = el("form", { "class": "pw-form", role: "search", "aria-labelledby": "pw-title" });
    form.appendChild(field("pw-q", s.q_label, el("input", { id: "pw-q", name: "q", type: "search", maxlength: "200" })));
    if (config.near || data.near) {
      form.appendChild(el("p", { "class": "pw-fixed" }, [
        el("strong", { text: s.near_label }), document.createTextNode(config.near || data.near),
      ]));
    } else {
      form.appendChild(field("pw-near", s.near_label, el("input", {
        id: "pw-near", name: "near", type: "text", maxlength: "100", placeholder: s.near_hint,
      })));
    }
    ["kind", "language", "attendance"].forEach(function (name) {
      var options = config.filters[name];
      if (!options || data[name]) return;
      form.appendChild(field("pw-" + name, s["filter_" + name], select("pw-" + name, name, options)));
    });
    form.appendChild(el("button", { type: "submit", "class": "button pw-submit", text: s.submit }));
    // The count is also the results heading; the live region only announces it.
    var status = el("p", { "class": "pw-status visually-hidden", role: "status", "aria-live": "polite" });
    var results = el("div", { "class": "pw-results" });
    frame.appendChild(form);
    frame.appendChild(status);
    frame.appendChild(results);
    frame.appendChild(el("p", { "class": "pw-full" }, [
      el("a", { href: config.full_search_url, target: "_blank", rel: "noopener", text: s.embed_open_full }),
    ]));
    // The plan opens on our page with this partner's presets, which no answer widens.
    frame.appendChild(el("p", { "class": "pw-plan" }, [
      el("a", { href: config.plan_url, target: "_blank", rel: "noopener", text: s.embed_open_plan }),
    ]));

    function search(page, focus) {
      var extra = { page: page };
      new FormData(form).forEach(function (value, key) { extra[key] = value; });
      status.textContent = s.searching;
      results.setAttribute("aria-busy", "true");
      get("/embed/v1/results", extra).then(function (response) {
        var type = response.headers.get("content-type") || "";
        if (type.indexOf("problem+json") !== -1) {
          return readProblem(response).then(function (problem) { status.textContent = ""; showError(problem); });
        }
        return response.text().then(function (html) {
          results.innerHTML = html;
          results.removeAttribute("aria-busy");
          var inner = results.querySelector(".results-inner");
          status.textContent = inner ? inner.getAttribute("data-status") : "";
          var heading = results.querySelector("#results-heading");
          if (focus && heading) heading.focus();
        });
      }).catch(function () { status.textContent = ""; showError(null); });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      search(1, true);
    });
    results.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button[data-page]") : null;
      if (!button) return;
      search(parseInt(button.getAttribute("data-page"), 10) || 1, true);
    });
    if (config.near || data.near) search(1, false);
  }

  frame.appendChild(el("p", { "class": "pw-status", text: words.loading }));
  loadStyles()
    .then(function () { return get("/embed/v1/config"); })
    .then(function (response) {
      frame.textContent = "";
      if (!response.ok) {
        frame.appendChild(crisisLines());
        return readProblem(response).then(showError);
      }
      return response.json().then(build);
    })
    .catch(function () {
      frame.textContent = "";
      frame.appendChild(crisisLines());
      showError(null);
    });
})();
