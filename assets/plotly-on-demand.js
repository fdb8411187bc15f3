// plotly.js (320 KB compressed) is loaded when a page first draws a plotly chart, not with every page: the overview,
// which most visitors open first, draws its chart as SVG on the server. dcc.Graph loads the script named by
// window._dashPlotlyJSURL when Plotly is missing; Dash would point it at the full bundle, which this app does not
// send (compression.drop_full_plotly), so it names the partial bundle in assets/vendor instead.
(function () {
  var url = new URL("vendor/plotly-basic-4.1.1.min.js?m=4.1.1", document.currentScript.src).href;
  Object.defineProperty(window, "_dashPlotlyJSURL", {
    configurable: true,
    get: function () { return url; },
    set: function () {},
  });
})();
