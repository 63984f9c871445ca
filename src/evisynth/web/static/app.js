/* evisynth web app: CSRF header for htmx requests and keyboard shortcuts (no inline scripts: CSP). */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  document.addEventListener("htmx:configRequest", function (event) {
    if (meta) { event.detail.headers["X-CSRF-Token"] = meta.content; }
  });
  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    var control = document.querySelector('[data-key="' + key + '"]');
    if (!control || control.disabled) { return; }
    event.preventDefault();
    control.click();
  });
})();
