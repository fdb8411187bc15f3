// A page is sent only the libraries it draws with (server/compression.py): without dash-leaflet when its viewer sees
// no map (91 KB compressed), without Mantine when it is plain HTML (194 KB), without AG Grid unless a coordinator's
// page shows tables (360 KB). Moving from such a page to another page inside the app could then draw that page
// without its library: such a move becomes a full load of the new page's address instead (which brings what that
// page needs). Moves within a page (its filters, in the address's query) are not affected.
(function () {
  var push = window.history.pushState;
  window.history.pushState = function (state, title, url) {
    if ((!window.dash_leaflet || !window.dash_mantine_components || !window.dash_ag_grid) && url != null) {
      var next = new URL(url, window.location.href);
      if (next.origin === window.location.origin && next.pathname !== window.location.pathname) {
        window.location.assign(next.href);
        return undefined;
      }
    }
    return push.apply(this, arguments);
  };
  // The phone's menu (web/shell.phone_menu, a disclosure): Escape closes it and gives the focus back to its button.
  document.addEventListener("keydown", function (event) {
    var menu = event.key === "Escape" && document.querySelector("details.mmc-menu[open]");
    if (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
  // The header's languages (web/shell.language_switch): the page as it is now, its filters kept, in that language.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.mmc-language");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    var url = new URL(window.location.href);
    url.searchParams.set("lang", link.getAttribute("hreflang"));
    event.preventDefault();
    window.location.assign(url.toString());
  });
})();
