// Notification pages: a channel form shows the fields of the chosen kind; the rule editor and the preset form show the
// nodes and channels of the chosen client (and the SOC's), the fields of the chosen status and limit; dangerous forms
// ask first (data-confirm). Loaded as a file (CSP: no inline script); the live preview is htmx (hx-trigger on the form).
(function () {
  "use strict";

  function each(root, selector, fn) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  // Channel create form: one fieldset per kind; only the chosen one is shown and submitted.
  each(document, "[data-kind-form]", function (form) {
    var select = form.querySelector("[data-kind-select]");
    if (!select) return;
    function sync() {
      each(form, "fieldset[data-kind]", function (fs) {
        var shown = fs.getAttribute("data-kind") === select.value;
        fs.disabled = !shown;
        fs.classList.toggle("hidden", !shown);
      });
    }
    select.addEventListener("change", sync);
    sync();
  });

  // Nodes and channels belong to a client (data-client) or to the SOC (empty): a rule may use those of its client and the
  // SOC's. Those of another client are hidden, unchecked and disabled (so they are not sent).
  function syncClient(form) {
    var client = form.querySelector("[data-rule-client]");
    if (!client) return;
    var chosen = client.value;
    each(form, "[data-client]", function (el) {
      var owner = el.getAttribute("data-client");
      var isChannel = !!el.querySelector("input[name$='hannels']");
      var ok = isChannel ? (owner === "" || owner === chosen) : (chosen === "" || owner === chosen);
      el.classList.toggle("hidden", !ok);
      var input = el.querySelector("input");
      if (input) {
        if (!ok) input.checked = false;
        input.disabled = !ok;
      }
    });
  }

  // Fields that only mean something for one status (data-for-status="closed") or any status (data-for-status="any").
  function syncStatus(form) {
    var status = form.querySelector("[data-set-status]");
    if (!status) return;
    each(form, "[data-for-status]", function (el) {
      var want = el.getAttribute("data-for-status");
      var shown = want === "any" ? status.value !== "" : status.value === want;
      el.classList.toggle("hidden", !shown);
    });
  }

  // Throttle or digest: show the fields of the chosen limit.
  function syncLimit(form) {
    var chosen = form.querySelector("input[data-limit]:checked");
    each(form, "[data-for-limit]", function (el) {
      el.classList.toggle("hidden", !chosen || el.getAttribute("data-for-limit") !== chosen.value);
    });
  }

  each(document, "[data-rule-form], [data-preset-form], .suppress-form", function (form) {
    function sync() { syncClient(form); syncStatus(form); syncLimit(form); }
    form.addEventListener("change", sync);
    sync();
  });

  // Forms that change something for good ask first: data-confirm="question".
  document.addEventListener("submit", function (e) {
    var form = e.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) { e.preventDefault(); }
  }, true);
})();
