// The copy buttons of the reports (loaded as a file: the CSP allows no inline scripts).
// <button data-copy-target="element-id" data-copied-label="…" data-failed-label="…">
(function () {
  "use strict";
  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  function flash(button, text) {
    var label = button.querySelector("span") || button;
    var original = label.getAttribute("data-original") || label.textContent;
    label.setAttribute("data-original", original);
    label.textContent = text;
    window.setTimeout(function () { label.textContent = original; }, 2000);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) { return; }
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) { return; }
    var text = target.innerText.trim();
    var copied = button.getAttribute("data-copied-label") || "Copied";
    var failed = button.getAttribute("data-failed-label") || "Select the text and copy it";
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { flash(button, copied); }, function () {
        selectText(target); flash(button, failed);
      });
      return;
    }
    // Plain-HTTP intranet deployments have no Clipboard API: fall back to a selection.
    selectText(target);
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
    flash(button, ok ? copied : failed);
  });
})();
