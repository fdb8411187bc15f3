/* Briefing mode: arrow keys (mirrored right to left; and Page Up/Down, as presentation clickers send) move between
   screens; the print button prints. The links carry the whole state, so moving is just following them. */
(function () {
    function typing(el) {
        return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
    }
    document.addEventListener("keydown", function (event) {
        if (event.altKey || event.ctrlKey || event.metaKey || typing(document.activeElement)) {
            return;
        }
        // Right to left (Arabic, Kurdish), the next screen is to the left: the arrows are mirrored, clickers are not.
        var rtl = document.documentElement.dir === "rtl";
        var forward = rtl ? "ArrowLeft" : "ArrowRight";
        var back = rtl ? "ArrowRight" : "ArrowLeft";
        var id = null;
        if (event.key === forward || event.key === "PageDown") { id = "briefing-next"; }
        if (event.key === back || event.key === "PageUp") { id = "briefing-prev"; }
        var link = id && document.getElementById(id);
        if (link) {
            event.preventDefault();
            link.click();
        }
    });
    document.addEventListener("click", function (event) {
        var target = event.target && event.target.closest ? event.target : null;
        if (target && target.closest("[data-print]")) {
            window.print();
        }
        if (target && target.closest("[data-fullscreen]")) {
            if (document.fullscreenElement) { document.exitFullscreen(); }
            else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
        }
    });
    // A new screen (the links change the page without reloading it): the window's title names it, and the focus
    // moves to its title, so that a screen reader says where it is and Tab starts from there.
    var shown = null, prefix = "";
    new MutationObserver(function () {
        var title = document.querySelector(".briefing:not(.briefing-all) .briefing-title");
        if (!title) { shown = null; return; }
        var base = prefix && document.title.indexOf(prefix) === 0 ? document.title.slice(prefix.length) : document.title;
        prefix = title.textContent + " · ";
        if (document.title !== prefix + base) { document.title = prefix + base; }
        if (title.id !== shown) {
            var first = shown === null;
            shown = title.id;
            if (!first) { title.focus({preventScroll: true}); }
        }
    }).observe(document.documentElement, {childList: true, subtree: true, characterData: true});
})();
