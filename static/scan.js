// Progressive enhancement only: every page works without this file.
// In a multiple-choice question, an exclusive answer ("Weet ik niet", "Geen van deze") clears
// the others, and choosing another answer clears the exclusive one, so the server's rule is
// met before the ondernemer sends the form.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || box.type !== "checkbox" || !box.checked) return;
    var group = box.form ? box.form.querySelectorAll('input[type="checkbox"][name="' + box.name + '"]') : [];
    var exclusive = box.hasAttribute("data-exclusive");
    Array.prototype.forEach.call(group, function (other) {
      if (other !== box && (exclusive || other.hasAttribute("data-exclusive"))) other.checked = false;
    });
  });
  // A link in the error summary goes to the first answer of the question; on its own the
  // browser scrolls that answer to the top edge, with the question and its message above
  // the screen. Show the whole question (fieldset or field) and put the focus in it.
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest(".error-summary a[href^='#']") : null;
    var target = link ? document.getElementById(link.getAttribute("href").slice(1)) : null;
    if (!target) return;
    event.preventDefault();
    (target.closest(".question") || target).scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  });
  // A framed page may not take the focus by itself (autofocus is blocked in a cross-site
  // frame), so the error summary is focused from here when nothing else has the focus.
  var summary = document.querySelector(".error-summary");
  if (summary && (document.activeElement === null || document.activeElement === document.body)) {
    summary.focus();
  }
  // A printout shows why each advice was given, also where CSS cannot open <details>.
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details.why"), function (d) {
      d.open = true;
    });
  });
})();
