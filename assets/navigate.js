// A page whose viewer sees no map is sent without dash-leaflet (server/compression.py: 91 KB compressed). Moving from
// it to another page inside the app would then draw that page's map without its library: such a move becomes a full
// load of the new page's address instead (which brings what that page needs). Moves within a page (its filters, in
// the address's query) are not affected.
(function () {
  var push = window.history.pushState;
  window.history.pushState = function (state, title, url) {
    if (!window.dash_leaflet && url != null) {
      var next = new URL(url, window.location.href);
      if (next.origin === window.location.origin && next.pathname !== window.location.pathname) {
        window.location.assign(next.href);
        return undefined;
      }
    }
    return push.apply(this, arguments);
  };
})();
