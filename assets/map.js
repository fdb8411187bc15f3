/* Map styling in the browser: dash-leaflet calls these through the GeoJSON options and reads colours from the
   layer's hideout, so a colour change never re-sends the data. */
function mmcEscape(text) {
    return String(text === null || text === undefined ? "" : text).replace(/[&<>"']/g, function (c) {
        return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
}

/* Figures written in the browser as the server writes them: Arabic-Indic digits and the Arabic thousands separator
   when the page says so (DIGITS=arab in Arabic and Kurdish: web/document.py), else 0-9 with a comma between
   thousands. Whole numbers (the map's populations and counts) are written here: the browser's own formatting
   (toLocaleString, Intl) cost 20 to 30 ms of a page's first drawing on a phone, loading its locale data. */
const MMC_ARABIC_DIGITS = "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669";
function mmcNumber(value) {
    const n = Number(value);
    const arabic = document.documentElement.getAttribute("data-digits") === "arab";
    if (!Number.isInteger(n) || n < 0) {
        return n.toLocaleString(arabic ? "ar-u-nu-arab" : "en-US");
    }
    const text = String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return arabic ? text.replace(/[0-9,]/g, function (c) { return c === "," ? "\u066c" : MMC_ARABIC_DIGITS[c]; }) : text;
}

/* A file the server names by its content or data version (places.py): fetched once per page and kept by the
   browser's cache between visits. */
function mmcKept(url) {
    const cache = window.mmcKeptFiles = window.mmcKeptFiles || {};
    if (!cache[url]) {
        cache[url] = fetch(url, {credentials: "same-origin"}).then(function (r) {
            if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
            return r.json();
        }).catch(function (error) {
            delete cache[url];  // the next answer asks again
            throw error;
        });
    }
    return cache[url];
}

/* A kept place's position [lon, lat] (its coordinates are kept in thousandths of a degree). */
function mmcPlacePoint(places, at) {
    return [places.x[at] / places.scale, places.y[at] / places.scale];
}

/* The kept places' camp ids, from their differences (places.py), worked out once per file. */
function mmcPlaceIds(places) {
    if (!places.ids) {
        let id = 0;
        places.ids = places.id.map(function (d) { id += d; return id; });
    }
    return places.ids;
}

window.mmc = Object.assign({}, window.mmc, {
    map: {
        governorateStyle: function (feature, context) {
            const h = context.hideout || {};
            const p = feature.properties;
            const style = {weight: p.iso && p.iso === h.selected ? 3 : 1, color: "#5c6875",
                           fillOpacity: h.opacity === undefined ? 1 : h.opacity};
            if (!p.programme) {
                style.fillColor = h.other || "#f2f2ef";
                return style;
            }
            const c = p["c_" + (h.figure || "rate")];
            style.fillColor = (c === null || c === undefined) ? (h.missing || "#d9d9d9") : h.colors[c];
            return style;
        },
        campMarker: function (feature, latlng, context) {
            const h = context.hideout || {};
            const p = feature.properties;
            const colour = (h.colors || {})[p.s] || "#555";
            const hollow = p.s === "not_reached" || p.s === "missed";
            const lit = (h.highlight || []).indexOf(p.id) >= 0;
            const marker = L.circleMarker(latlng, {
                radius: p.r,
                color: hollow ? colour : "#ffffff",
                weight: hollow ? 3 : 1,
                fillColor: hollow ? "#ffffff" : colour,
                fillOpacity: hollow ? 0.9 : 0.85,
                className: "camp-marker camp-" + p.s + (lit ? " camp-highlight" : ""),
                // above the governorates and reach lines (overlay pane), whichever layer's data arrives last
                pane: "shadowPane",
            });
            if (lit) {
                marker.setStyle({color: "#000000", weight: 4});
            }
            const population = p.p === null || p.p === undefined ? "–" : mmcNumber(p.p);
            // names in <bdi>: a Latin name in an Arabic tooltip (or the reverse) keeps its own direction
            marker.bindTooltip("<b><bdi>" + mmcEscape(p.n) + "</bdi></b><br>" + mmcEscape(h.population || "Population") +
                               ": " + population + "<br>" + mmcEscape((h.labels || {})[p.s] || p.s));
            return marker;
        },
        unitBadge: function (feature, latlng) {
            const p = feature.properties;
            const icon = L.divIcon({
                className: "unit-badge",
                html: '<span class="unit-badge-inner">' + mmcEscape(p.html) + "</span>",
                iconSize: null,
            });
            // (not interactive: a click on a badge goes to the camp or governorate under it)
            return L.marker(latlng, {icon: icon, interactive: false, keyboard: false});
        },
        label: function (feature, latlng) {
            // (centred on its point by the inner span: Leaflet places the icon itself with its own transform)
            const icon = L.divIcon({className: "gov-label", iconSize: null,
                                    html: '<span class="gov-label-inner">' + mmcEscape(feature.properties.name) + "</span>"});
            return L.marker(latlng, {icon: icon, interactive: false, keyboard: false});
        },
    },
});

window.mmc.map.unitMarker = function (feature, latlng, context) {
    const mmc = feature.properties.t === "mmc";
    const lit = ((context.hideout || {}).highlight || []).indexOf(feature.properties.code) >= 0;
    const icon = L.divIcon({
        className: "unit-marker " + (mmc ? "unit-mmc" : "unit-ambulance") + (lit ? " unit-highlight" : ""),
        html: mmc ? "M" : "A",
        iconSize: [18, 18],
    });
    // not a Tab stop each (57 of them): the unit table below the map is the keyboard's way to every unit
    return L.marker(latlng, {icon: icon, keyboard: false});
};
window.mmc.map.stopCircle = function (feature, latlng) {
    const p = feature.properties;
    return L.circle(latlng, {radius: p.radius, color: "#009E73", weight: 3, dashArray: "6 4", fillOpacity: 0.08,
                             className: "next-stop"});
};

window.mmc.map.alertMarker = function (feature, latlng) {
    const n = feature.properties.n;
    return L.circleMarker(latlng, {radius: Math.min(6 + Math.sqrt(n) * 2, 22), color: "#ffffff", weight: 1,
                                   fillColor: "#D55E00", fillOpacity: 0.85, className: "alert-marker"});
};

window.mmc.map.reachStyle = function (feature, context) {
    const h = context.hideout || {};
    const p = feature.properties;
    if (!h.unit && !h.camp) {
        return {color: "#1c5d99", weight: p.w, opacity: 0.35, lineCap: "butt"};
    }
    const lit = (h.unit && p.u === h.unit) || (h.camp && p.c === h.camp);
    return lit ? {color: "#000000", weight: p.w + 1, opacity: 0.9, lineCap: "butt"}
               : {color: "#1c5d99", weight: p.w, opacity: 0.06, lineCap: "butt"};
};
window.mmc.map.ringCircle = function (feature, latlng, context) {
    const km = (context.hideout || {}).km;
    return L.circle(latlng, {radius: km * 1000, color: "#1c5d99", weight: 1, dashArray: "3 3",
                             fillOpacity: 0.04, interactive: false, className: "coverage-ring"});
};

/* Coordinators' map: a click on a unit base shows the camps it served (and its reach lines); a click on a camp shows
   the units that served it. Everything stays in the browser: only the layers' hideouts change. */
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.mmc = {
        highlight: function (unitClick, campClick, lines, reach, camps, units) {
            /* A unit base clicked: the camps it visited in the period; a camp clicked: the units that visited it.
               Both are the ends of the reach lines (properties u, a unit's code, and c, a camp's id). */
            const ctx = window.dash_clientside.callback_context;
            const trigger = ctx.triggered.length ? ctx.triggered[0].prop_id : "";
            const ends = (lines && lines.features ? lines.features : []).map(function (f) { return f.properties; });
            let unit = null, camp = null, campIds = [], unitCodes = [];
            if (trigger.indexOf("gap-units") === 0 && unitClick) {
                unit = unitClick.properties.code;
                campIds = ends.filter(function (e) { return e.u === unit; }).map(function (e) { return e.c; });
                unitCodes = [unit];
            } else if (trigger.indexOf("gap-camps") === 0 && campClick && !campClick.properties.cluster) {
                camp = campClick.properties.id;
                unitCodes = ends.filter(function (e) { return String(e.c) === String(camp); })
                    .map(function (e) { return e.u; });
                campIds = [camp];
            }
            return [
                Object.assign({}, reach, {unit: unit, camp: camp}),
                Object.assign({}, camps, {highlight: campIds}),
                Object.assign({}, units, {highlight: unitCodes}),
            ];
        },
        /* The camp layer: every camp's place (ids as differences, positions in thousandths of a degree, names) comes
           once per data version from a file the browser keeps; each answer sends which camps to show (positions
           among the places, as differences), their status and population (analytics.camp_columns). */
        governorateLayer: function (figures) {
            if (!figures || !figures.shapes) { return {type: "FeatureCollection", features: []}; }
            return mmcKept(figures.shapes).then(function (shapes) {
                return {
                    type: "FeatureCollection",
                    features: figures.properties.map(function (properties, i) {
                        return {type: "Feature", properties: properties, geometry: shapes.geometry[i]};
                    }),
                };
            });
        },
        campLayer: function (cols) {
            const empty = {type: "FeatureCollection", features: []};
            if (!cols || !cols.places) { return empty; }
            return mmcKept(cols.places).then(function (places) {
                mmcPlaceIds(places);
                const features = new Array(cols.i.length);
                let at = 0;
                for (let k = 0; k < cols.i.length; k++) {
                    at += cols.i[k];
                    const p = cols.p[k];
                    features[k] = {
                        type: "Feature",
                        geometry: {type: "Point", coordinates: mmcPlacePoint(places, at)},
                        properties: {id: places.ids[at], s: cols.states[cols.s[k]], n: places.n[at], p: p,
                                     r: Math.round(10 * Math.min(16, Math.max(4, 3 + Math.sqrt(p || 0) / 12))) / 10},
                    };
                }
                return {type: "FeatureCollection", features: features};
            });
        },
        reachLayer: function (cols) {
            /* Coordinators' reach lines: unit base to camp, weighted by visits (coordinator.reach_columns). */
            const empty = {type: "FeatureCollection", features: []};
            if (!cols || !cols.places) { return empty; }
            return mmcKept(cols.places).then(function (places) {
                mmcPlaceIds(places);
                const units = cols.units;
                const features = new Array(cols.u.length);
                for (let k = 0; k < cols.u.length; k++) {
                    const u = cols.u[k], at = cols.c[k], n = cols.n[k];
                    const tooltip = cols.tooltip.replace("{unit}", "<bdi>" + mmcEscape(units.name[u]) + "</bdi>")
                        .replace("{camp}", "<bdi>" + mmcEscape(places.n[at]) + "</bdi>").replace("{n}", mmcNumber(n));
                    features[k] = {
                        type: "Feature",
                        geometry: {type: "LineString", coordinates: [[units.x[u], units.y[u]], mmcPlacePoint(places, at)]},
                        properties: {u: units.code[u], c: places.ids[at], tooltip: tooltip,
                                     // thin lines (0.75 to 3 px): thick ones drew wedges over the camps
                                     w: Math.round(10 * Math.min(0.75 + Math.sqrt(n) / 6, 3)) / 10},
                    };
                }
                return {type: "FeatureCollection", features: features};
            });
        },
        sameData: function (data) {
            return data || {type: "FeatureCollection", features: []};
        },
        ringRadius: function (km, hideout) {
            const value = Number(km);
            if (!value || value <= 0 || value > 100) { return window.dash_clientside.no_update; }
            return Object.assign({}, hideout, {km: value});
        },
};

// The overview's camp panel (pages/overview.py): Escape closes it, as its close button does; when it opens, the
// keyboard's focus moves into it (a camp chosen with the finder or the map), and back to where it was when it closes.
(function () {
    let before = null;
    new MutationObserver(function (changes) {
        changes.forEach(function (change) {
            const panel = change.target;
            if (panel.id !== "camp-panel") { return; }
            if (!panel.hidden && change.oldValue !== null) {
                before = document.activeElement;
                const close = document.getElementById("camp-panel-close");
                if (close) { close.focus(); }
            } else if (panel.hidden && change.oldValue === null && before && document.contains(before)) {
                before.focus();
                before = null;
            }
        });
    }).observe(document.documentElement, {subtree: true, attributes: true, attributeFilter: ["hidden"],
                                          attributeOldValue: true});
    document.addEventListener("keydown", function (event) {
        const panel = document.getElementById("camp-panel");
        if (event.key === "Escape" && panel && !panel.hidden) {
            document.getElementById("camp-panel-close").click();
        }
    });
})();
