// Names for controls whose library gives no way to label them: the file input inside the data page's drop zone
// (dcc.Upload) is named by the zone's own words.
(function () {
  function label(root) {
    root.querySelectorAll(".upload-zone input[type=file]:not([aria-label])").forEach(function (input) {
      input.setAttribute("aria-label", input.closest(".upload-zone").textContent.trim());
    });
  }
  new MutationObserver(function () { label(document); }).observe(document.documentElement, { childList: true, subtree: true });
})();
