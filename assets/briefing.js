/* Briefing mode: arrow keys (and Page Up/Down, as presentation clickers send) move between screens; the print
   button prints. The links carry the whole state, so moving is just following them. */
(function () {
    function typing(el) {
        return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
    }
    document.addEventListener("keydown", function (event) {
        if (event.altKey || event.ctrlKey || event.metaKey || typing(document.activeElement)) {
            return;
        }
        var id = null;
        if (event.key === "ArrowRight" || event.key === "PageDown") { id = "briefing-next"; }
        if (event.key === "ArrowLeft" || event.key === "PageUp") { id = "briefing-prev"; }
        var link = id && document.getElementById(id);
        if (link) {
            event.preventDefault();
            link.click();
        }
    });
    document.addEventListener("click", function (event) {
        if (event.target && event.target.closest && event.target.closest("[data-print]")) {
            window.print();
        }
    });
})();
