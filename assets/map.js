/* Map styling in the browser: dash-leaflet calls these through the GeoJSON options and reads colours from the
   layer's hideout, so a colour change never re-sends the data. */
function mmcEscape(text) {
    return String(text === null || text === undefined ? "" : text).replace(/[&<>"']/g, function (c) {
        return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
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
            const hollow = p.s === "not_reached";
            const lit = (h.highlight || []).indexOf(p.id) >= 0;
            const marker = L.circleMarker(latlng, {
                radius: p.r,
                color: hollow ? colour : "#ffffff",
                weight: hollow ? 3 : 1,
                fillColor: hollow ? "#ffffff" : colour,
                fillOpacity: hollow ? 0.9 : 0.85,
                className: "camp-marker camp-" + p.s + (lit ? " camp-highlight" : ""),
            });
            if (lit) {
                marker.setStyle({color: "#000000", weight: 4});
            }
            const population = p.p === null || p.p === undefined ? "–" : Number(p.p).toLocaleString("en-US");
            marker.bindTooltip("<b>" + mmcEscape(p.n) + "</b><br>" + mmcEscape(h.population || "Population") +
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
            return L.marker(latlng, {icon: icon, keyboard: false});
        },
        label: function (feature, latlng) {
            const icon = L.divIcon({className: "gov-label", html: mmcEscape(feature.properties.name), iconSize: null});
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
    return L.marker(latlng, {icon: icon});
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
        return {color: "#1c5d99", weight: p.w, opacity: 0.45};
    }
    const lit = (h.unit && p.u === h.unit) || (h.camp && p.c === h.camp);
    return lit ? {color: "#000000", weight: p.w + 2, opacity: 0.9} : {color: "#1c5d99", weight: p.w, opacity: 0.08};
};
window.mmc.map.ringCircle = function (feature, latlng, context) {
    const km = (context.hideout || {}).km;
    return L.circle(latlng, {radius: km ? km * 1000 : feature.properties.radius, color: "#1c5d99", weight: 1, dashArray: "3 3",
                             fillOpacity: 0.04, interactive: false, className: "coverage-ring"});
};

/* Coordinators' map: a click on a unit base shows the camps it served (and its reach lines); a click on a camp shows
   the units that served it. Everything stays in the browser: only the layers' hideouts change. */
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.mmc = {
        highlight: function (unitClick, campClick, links, reach, camps, units) {
            const ctx = window.dash_clientside.callback_context;
            const trigger = ctx.triggered.length ? ctx.triggered[0].prop_id : "";
            links = links || {units: {}, camps: {}};
            let unit = null, camp = null, campIds = [], unitCodes = [];
            if (trigger.indexOf("gap-units") === 0 && unitClick) {
                unit = unitClick.properties.code;
                campIds = links.units[unit] || [];
                unitCodes = [unit];
            } else if (trigger.indexOf("gap-camps") === 0 && campClick && !campClick.properties.cluster) {
                camp = campClick.properties.id;
                unitCodes = links.camps[String(camp)] || [];
                campIds = [camp];
            }
            return [
                Object.assign({}, reach, {unit: unit, camp: camp}),
                Object.assign({}, camps, {highlight: campIds}),
                Object.assign({}, units, {highlight: unitCodes}),
            ];
        },
        /* The camp layer from the columns the server sends (analytics.camp_columns): ids as differences, positions in
           thousandths of a degree, status by position; the marker's size follows the population. */
        campLayer: function (cols) {
            if (!cols || !cols.id) { return {type: "FeatureCollection", features: []}; }
            const features = new Array(cols.id.length);
            let id = 0;
            for (let i = 0; i < cols.id.length; i++) {
                id += cols.id[i];
                const p = cols.p[i];
                features[i] = {
                    type: "Feature",
                    geometry: {type: "Point", coordinates: [cols.x[i] / cols.scale, cols.y[i] / cols.scale]},
                    properties: {id: id, s: cols.states[cols.s[i]], n: cols.n[i], p: p,
                                 r: Math.round(10 * Math.min(16, Math.max(4, 3 + Math.sqrt(p || 0) / 12))) / 10},
                };
            }
            return {type: "FeatureCollection", features: features};
        },
        ringRadius: function (km, hideout) {
            const value = Number(km);
            if (!value || value <= 0) { return window.dash_clientside.no_update; }
            return Object.assign({}, hideout, {km: value});
        },
};
