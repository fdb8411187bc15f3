/* The data page's file, sent as it is to the upload route (dashboard/server/uploads.py) with the session's token,
   showing how much is sent; the route's answer goes to the page through the `data-sent` store. */
(function () {
    function answer(data) {
        window.dash_clientside.set_props("data-sent", {data: Object.assign({at: Date.now()}, data)});
    }

    function send(zone, file) {
        if (file.size > Number(zone.dataset.maxBytes)) {
            answer({error: zone.dataset.tooLarge});
            return;
        }
        const status = zone.querySelector(".upload-sending");
        const form = new FormData();
        form.append("kind", zone.dataset.kind);
        form.append("file", file, file.name);
        const request = new XMLHttpRequest();
        request.open("POST", "/coordinator/data/upload");
        request.setRequestHeader("X-CSRF-Token", zone.dataset.csrf);
        request.upload.onprogress = function (event) {
            if (event.lengthComputable) {
                const percent = Math.round(100 * event.loaded / event.total);
                status.textContent = zone.dataset.sending.replace("{percent}", percent);
            }
        };
        request.onload = function () {
            status.textContent = "";
            let data;
            try {
                data = JSON.parse(request.responseText);
            } catch (error) {  // (not the app's answer: a proxy's page)
                data = {error: request.status === 413 ? zone.dataset.tooLarge : zone.dataset.failed};
            }
            answer(data);
        };
        request.onerror = function () {
            status.textContent = "";
            answer({error: zone.dataset.failed});
        };
        request.send(form);
    }

    /* Each zone (a label) gets its file input, which the keyboard reaches and the label names. */
    function equip(root) {
        root.querySelectorAll(".upload-zone:not([data-equipped])").forEach(function (zone) {
            const input = document.createElement("input");
            input.type = "file";
            input.id = zone.dataset.input;
            input.className = "upload-input";
            zone.prepend(input);
            zone.setAttribute("data-equipped", "1");
        });
    }
    new MutationObserver(function () { equip(document); })
        .observe(document.documentElement, {childList: true, subtree: true});

    function zoneOf(event) {
        return event.target && event.target.closest ? event.target.closest(".upload-zone") : null;
    }

    document.addEventListener("change", function (event) {
        const input = event.target;
        if (input.matches && input.matches(".upload-zone input[type=file]") && input.files.length) {
            send(input.closest(".upload-zone"), input.files[0]);
            input.value = "";  // (the same file chosen again is sent again)
        }
    });
    document.addEventListener("dragover", function (event) {
        const zone = zoneOf(event);
        if (zone) {
            event.preventDefault();
            zone.classList.add("upload-over");
        }
    });
    document.addEventListener("dragleave", function (event) {
        const zone = zoneOf(event);
        if (zone) {
            zone.classList.remove("upload-over");
        }
    });
    document.addEventListener("drop", function (event) {
        const zone = zoneOf(event);
        if (zone) {
            event.preventDefault();
            zone.classList.remove("upload-over");
            if (event.dataTransfer.files.length) {
                send(zone, event.dataTransfer.files[0]);
            }
        }
    });
})();
