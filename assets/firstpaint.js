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

// The page's answer, preloaded: the page's HTML asks at once for what Dash pages' router will ask once Dash has started
// (server/compression.PAGE_ANSWER: the same answer, as a GET), so that the page arrives with the scripts instead of a round
// trip after them. The router's first question for the address the page was loaded with is answered with it; any
// other question goes to the server as before.
(function () {
  var link = document.querySelector("link[data-mmc-page]");
  if (!link || !window.fetch) {
    return;
  }
  var page = link.href;
  var loaded = window.location.pathname + window.location.search;
  var fetch = window.fetch;
  function routed(options) {
    var asked;
    try {
      asked = JSON.parse(options.body);
    } catch (error) {
      return false;
    }
    if (!asked || String(asked.output).indexOf(".._pages_content.children...") !== 0) {
      return false;
    }
    var values = {};
    (asked.inputs || []).forEach(function (input) {
      values[input.property] = input.value;
    });
    return (values.pathname || "") + (values.search || "") === loaded;
  }
  window.fetch = function (resource, options) {
    var address = typeof resource === "string" ? resource : resource && resource.url;
    if (page && options && options.method === "POST" && typeof options.body === "string" &&
        /\/_dash-update-component(\?|$)/.test(address || "") && routed(options)) {
      var preloaded = page;
      page = null;
      return fetch.call(window, preloaded, { credentials: "same-origin" });
    }
    return fetch.apply(this, arguments);
  };
})();
