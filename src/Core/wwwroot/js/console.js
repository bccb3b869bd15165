// SOCme console: keyboard shortcuts and small behaviours. Loaded as a file (CSP: no inline script).
// Pages add their own keys through data attributes; nothing here reads or writes alert data.
(function () {
  "use strict";

  // A theme colour as the browser resolves it (rgb(...)): the variables hold light-dark() pairs, which a chart library
  // cannot read, so a probe element takes the colour and the computed style gives the side in use.
  window.socmeColor = function (variable) {
    var probe = document.createElement("span");
    probe.className = "hidden-probe";
    probe.style.color = "var(" + variable + ")";
    document.body.appendChild(probe);
    var value = getComputedStyle(probe).color;
    probe.remove();
    return value;
  };

  function typing(e) {
    var t = e.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  var pendingG = false;
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (typing(e)) {
      if (e.key === "Escape") e.target.blur();
      return;
    }
    var help = document.getElementById("help");
    if (e.key === "?") {
      if (help) { help.open ? help.close() : help.showModal(); e.preventDefault(); }
      return;
    }
    if (e.key === "/") {
      var search = document.querySelector("[data-search]");
      if (search) { search.focus(); search.select(); e.preventDefault(); }
      return;
    }
    if (pendingG) {
      pendingG = false;
      var target = document.querySelector('[data-key="g ' + e.key + '"]');
      if (target) { target.click(); e.preventDefault(); }
      return;
    }
    if (e.key === "g") { pendingG = true; return; }
    document.dispatchEvent(new CustomEvent("socme:key", { detail: { key: e.key, original: e } }));
  });
})();
