// The inbox: keyboard triage (j/k/x/o/a/c/e/m), selection, and the live "N new" bar.
// Triage keys press the bulk bar's own buttons, so the keyboard does exactly what the buttons do (same form, same
// antiforgery token, same server handler). Rows are re-read after every htmx swap of #inbox.
(function () {
  "use strict";
  var cursor = 0;

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#inbox tbody tr[data-row]")); }
  function box(row) { return row && row.querySelector("input[type=checkbox]"); }
  function bulkButton(action) { return document.querySelector('#bulk button[name=action][value="' + action + '"]'); }

  function render() {
    var all = rows();
    if (cursor >= all.length) cursor = Math.max(0, all.length - 1);
    all.forEach(function (r, i) { r.classList.toggle("cursor", i === cursor); r.classList.toggle("selected", box(r) && box(r).checked); });
    var count = all.filter(function (r) { return box(r) && box(r).checked; }).length;
    var label = document.querySelector("[data-selected-count]");
    if (label) label.textContent = count === 0 ? label.getAttribute("data-none") || label.textContent : count + " ✓";
  }

  function move(by) {
    var all = rows();
    if (all.length === 0) return;
    cursor = Math.min(all.length - 1, Math.max(0, cursor + by));
    render();
    all[cursor].scrollIntoView({ block: "nearest" });
  }

  function ensureSelection() {
    var all = rows();
    var any = all.some(function (r) { return box(r) && box(r).checked; });
    if (!any && all[cursor] && box(all[cursor])) box(all[cursor]).checked = true;
  }

  function act(action) {
    var button = bulkButton(action);
    if (!button) return;
    ensureSelection();
    button.click();
  }

  function closeWith(verdict) {
    var dialog = document.getElementById("close-dialog");
    if (dialog && dialog.open) dialog.close();
    var select = document.querySelector("[data-bulk-verdict]");
    if (select) select.value = verdict;
    act("close");
  }

  document.addEventListener("socme:key", function (e) {
    if (!document.querySelector("[data-inbox]")) return;
    var key = e.detail.key, original = e.detail.original;
    var all = rows();
    switch (key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "x":
        if (all[cursor] && box(all[cursor])) { box(all[cursor]).checked = !box(all[cursor]).checked; render(); }
        break;
      case "o": case "Enter":
        if (all[cursor]) window.location.href = all[cursor].getAttribute("data-href");
        break;
      case "a": act("acknowledge"); break;
      case "e": act("escalate"); break;
      case "m": act("assign_me"); break;
      case "c":
        var dialog = document.getElementById("close-dialog");
        if (dialog) dialog.showModal();
        break;
      default: return;
    }
    original.preventDefault();
  });

  document.addEventListener("keydown", function (e) {
    var dialog = document.getElementById("close-dialog");
    if (!dialog || !dialog.open) return;
    var verdicts = { "1": "true_positive", "2": "false_positive", "3": "benign" };
    if (verdicts[e.key]) { e.preventDefault(); closeWith(verdicts[e.key]); }
  });

  document.addEventListener("click", function (e) {
    var verdictButton = e.target.closest && e.target.closest("[data-verdict]");
    if (verdictButton) { closeWith(verdictButton.getAttribute("data-verdict")); return; }
    var all = e.target.closest && e.target.closest("[data-check-all]");
    if (all) { rows().forEach(function (r) { if (box(r)) box(r).checked = all.checked; }); render(); return; }
    var row = e.target.closest && e.target.closest("#inbox tr[data-row]");
    if (row && !e.target.closest("a, input, button")) {
      cursor = rows().indexOf(row);
      render();
    }
    if (e.target.matches && e.target.matches("#inbox input[type=checkbox]")) render();
  });

  document.addEventListener("dblclick", function (e) {
    var row = e.target.closest && e.target.closest("#inbox tr[data-row]");
    if (row) window.location.href = row.getAttribute("data-href");
  });

  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "inbox") render();
  });

  // ---- live: the server's event stream says how many alerts this user may see arrived; a bar offers to show them.
  var pending = 0;
  function startLive() {
    var inbox = document.querySelector("[data-inbox]");
    if (!inbox || !window.EventSource) return;
    var source = new EventSource("/events");
    source.addEventListener("alerts", function (msg) {
      var data = JSON.parse(msg.data);
      var newest = Number(inbox.getAttribute("data-newest") || "0");
      if (data.newestId <= newest) return;
      pending += data.count;
      var bar = document.getElementById("live-bar");
      bar.querySelector("[data-live-count]").textContent = String(pending);
      bar.classList.remove("hidden");
    });
  }
  document.addEventListener("click", function (e) {
    if (!(e.target.closest && e.target.closest("[data-live-refresh]"))) return;
    pending = 0;
    document.getElementById("live-bar").classList.add("hidden");
    window.location.reload();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var label = document.querySelector("[data-selected-count]");
    if (label) label.setAttribute("data-none", label.textContent);
    render();
    startLive();
  });
})();
