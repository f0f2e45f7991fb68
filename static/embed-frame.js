// Inside the /embed/ iframe: tell the partner page how tall this page is, so the iframe can
// be exactly as tall as its content (no inner scrollbar). Messages go only to the partner
// origin the server checked against EMBED_ALLOWED_ORIGINS, and only that origin's window may
// ask for a new measurement.
(function () {
  "use strict";
  var parentOrigin = document.documentElement.getAttribute("data-parent-origin");
  if (!parentOrigin || window.parent === window) return;

  var lastHeight = 0;
  function send(type) {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (type === "height" && height === lastHeight) return;
    lastHeight = height;
    window.parent.postMessage({ type: "digitale-scan:" + type, height: height }, parentOrigin);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== parentOrigin || event.source !== window.parent) return;
    if (event.data && event.data.type === "digitale-scan:measure") send("height");
  });
  // A new page of the journey: the partner page scrolls to the top of the iframe.
  send("page");
  window.addEventListener("load", function () { send("height"); });
  window.addEventListener("resize", function () { send("height"); });
  if ("ResizeObserver" in window) {
    new ResizeObserver(function () { send("height"); }).observe(document.documentElement);
  }
  document.addEventListener("toggle", function () { send("height"); }, true);
})();
