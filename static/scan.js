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
  // A printout shows why each advice was given, also where CSS cannot open <details>.
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details.why"), function (d) {
      d.open = true;
    });
  });
})();
