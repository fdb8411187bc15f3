// The page as first sent (web/firstpaint.py: the shell and the page's content as plain HTML) stays until Dash has
// drawn the page's content under it, unseen (assets/style.css); then it goes, and Dash's page, the same pieces in the
// same places, is shown.
(function () {
  var first = document.getElementById("mmc-first-paint");
  var entry = document.getElementById("react-entry-point");
  if (!first || !entry) {
    return;
  }
  var watch = new MutationObserver(function () {
    var content = document.getElementById("_pages_content");
    if (content && content.firstElementChild) {
      watch.disconnect();
      first.remove();
    }
  });
  watch.observe(entry, { childList: true, subtree: true });
})();
