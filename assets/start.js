// Dash's scripts, run once the browser has shown the page as first sent (web/firstpaint.py). The page lists them as
// scripts of a type the browser does not run (server/compression.py; its head preloads them at a low priority, so
// they are fetched meanwhile, after what the first paint needs): each is added again as a script, in their order
// (async=false keeps it), and Dash starts when the last has run (the `mmc-scripts-run` event).
// "Shown" is the browser's first contentful paint (a frame can be painted some time before it is on the screen);
// a browser that does not report it starts them after its first frame, and a tab opened in the background, which
// shows nothing, at once.
(function () {
  var started = false;
  function start() {
    if (started) {
      return;
    }
    started = true;
    var later = document.querySelectorAll('script[type="mmc/after-first-paint"]');
    var run = function () {
      window.dispatchEvent(new Event("mmc-scripts-run"));
    };
    if (!later.length) {
      run();
      return;
    }
    later.forEach(function (listed, index) {
      var script = document.createElement("script");
      script.src = listed.src;
      script.async = false;
      if (index === later.length - 1) {
        script.onload = run;
      }
      document.body.appendChild(script);
    });
  }
  var observer = window.PerformanceObserver;
  var types = (observer && observer.supportedEntryTypes) || [];
  if (document.visibilityState === "hidden") {
    start();
  } else if (types.indexOf("paint") >= 0) {
    new observer(function (list, seen) {
      if (list.getEntriesByName("first-contentful-paint").length) {
        seen.disconnect();
        start();
      }
    }).observe({ type: "paint", buffered: true });
    window.setTimeout(start, 3000);
  } else {
    window.requestAnimationFrame(function () {
      window.setTimeout(start, 0);
    });
  }
})();
