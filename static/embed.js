/*! Digitale scan voor ondernemers: embed for partner sites. No dependencies, no cookies.
 *
 *   <script src="(address of the scan)/static/embed.js" data-partner="kvk" async></script>
 *
 * Options (data- attributes on the script tag):
 *   data-partner   your partner id, so scans and leads are attributed to you (required)
 *   data-title     the iframe's accessible title (default "Digitale scan voor ondernemers")
 *   data-min-height  height in pixels before the first measurement (default 600)
 *   data-offset    pixels to keep above the iframe when scrolling to it (e.g. a sticky header)
 * Several scripts on one page make several independent embeds.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var scanOrigin = new URL(script.src).origin;
  var partner = script.getAttribute("data-partner") || "";
  var offset = parseInt(script.getAttribute("data-offset") || "0", 10) || 0;

  var iframe = document.createElement("iframe");
  iframe.src = scanOrigin + "/embed/?partner=" + encodeURIComponent(partner) +
    "&origin=" + encodeURIComponent(window.location.origin);
  iframe.title = script.getAttribute("data-title") || "Digitale scan voor ondernemers";
  iframe.setAttribute("scrolling", "no");
  iframe.style.width = "100%";
  iframe.style.border = "0";
  iframe.style.display = "block";
  iframe.style.overflow = "hidden";
  iframe.style.height = (parseInt(script.getAttribute("data-min-height") || "600", 10) || 600) + "px";
  script.parentNode.insertBefore(iframe, script.nextSibling);

  var pages = 0;
  window.addEventListener("message", function (event) {
    // Only our own frame, from the scan's origin, may resize it.
    if (event.origin !== scanOrigin || event.source !== iframe.contentWindow) return;
    var data = event.data;
    if (!data || typeof data.type !== "string" || typeof data.height !== "number") return;
    if (data.height > 0 && data.height < 100000) iframe.style.height = data.height + "px";
    if (data.type === "digitale-scan:page") {
      pages += 1;
      // The ondernemer moved to another step: show its top, as a normal page would.
      if (pages > 1) {
        var top = iframe.getBoundingClientRect().top + window.pageYOffset - offset;
        window.scrollTo(0, Math.max(0, top));
      }
    }
  });
  window.addEventListener("resize", function () {
    // Only once the scan has said hello: before that the frame still shows about:blank, and
    // a message for the scan's origin would only put an error in the partner's console.
    if (pages > 0 && iframe.contentWindow) {
      iframe.contentWindow.postMessage({ type: "digitale-scan:measure" }, scanOrigin);
    }
  });
})();
