// The plan page with JavaScript: one question per screen on a phone (every one skippable),
// a print button, and a plan reopened from its link's fragment (#who=me&...), which the
// browser never sends to the server: the answers are posted in the form's body instead.
(function () {
  "use strict";
  var form = document.getElementById("plan-form");
  if (!form) { return; }

  function reopenFromFragment() {
    var hash = window.location.hash.slice(1);
    if (!hash || document.getElementById("results")) { return false; }
    var params = new URLSearchParams(hash);
    var any = false;
    params.forEach(function (value, name) {
      var fields = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
      fields.forEach(function (field) {
        if (field.type === "checkbox" || field.type === "radio") {
          if (field.value === value) { field.checked = true; any = true; }
        } else if (field.tagName === "SELECT" || field.type === "text") {
          field.value = value; any = true;
        }
      });
    });
    if (any) { form.submit(); }
    return any;
  }

  function stepper() {
    var questions = Array.prototype.slice.call(form.querySelectorAll(".question"));
    var submit = form.querySelector(".plan-submit");
    var status = document.createElement("p");
    status.className = "plan-step-status";
    status.setAttribute("aria-live", "polite");
    var nav = document.createElement("div");
    nav.className = "plan-steps";
    function button(text, cls) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "button " + cls; b.textContent = text;
      return b;
    }
    var back = button(form.dataset.back, "secondary");
    var skip = button(form.dataset.skip, "secondary");
    var next = button(form.dataset.next, "");
    nav.appendChild(back); nav.appendChild(skip); nav.appendChild(next);
    var index = 0;
    function show(i, focus) {
      index = i;
      questions.forEach(function (q, n) { q.dataset.hidden = n === i ? "false" : "true"; });
      var last = i === questions.length - 1;
      back.hidden = i === 0;
      next.hidden = last; skip.hidden = last;
      submit.hidden = !last;
      status.textContent = form.dataset.stepOf
        .replace("{n}", String(i + 1)).replace("{total}", String(questions.length));
      if (focus) { questions[i].querySelector("legend").setAttribute("tabindex", "-1"); questions[i].querySelector("legend").focus(); }
    }
    function clear(q) {
      q.querySelectorAll("input[type=checkbox], input[type=radio]").forEach(function (f) { f.checked = false; });
      q.querySelectorAll("select, input[type=text]").forEach(function (f) { f.value = ""; });
    }
    back.addEventListener("click", function () { show(index - 1, true); });
    next.addEventListener("click", function () { show(index + 1, true); });
    skip.addEventListener("click", function () { clear(questions[index]); show(index + 1, true); });
    form.insertBefore(status, questions[0]);
    form.insertBefore(nav, submit);
    form.classList.add("stepping");
    show(0, false);
  }

  if (reopenFromFragment()) { return; }
  var results = document.getElementById("results");
  var print = document.getElementById("plan-print");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
  if (!results && window.matchMedia("(max-width: 40rem)").matches) { stepper(); }
}());
