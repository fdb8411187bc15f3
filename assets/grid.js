/* The data grids' browser side (sent to signed-in coordinators only, with AG Grid). */

/* A camp clicked on the coordinators' map: scroll the gap grid to its row (found on the server in the grid's own
   filters and order) and choose it, once the grid has fetched the block of rows that holds it. */
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.mmcGrid = {
    findRow: async function (found, gridId) {
        const none = window.dash_clientside.no_update;
        if (!found || !window.dash_ag_grid) { return none; }
        const api = await window.dash_ag_grid.getApiAsync(gridId);
        const choose = function () {
            const node = api.getRowNode(found.id);
            if (!node || !node.data) { return false; }
            node.setSelected(true, true);
            return true;
        };
        api.ensureIndexVisible(found.index, "middle");
        if (!choose()) {
            const whenLoaded = function () {
                if (choose()) { api.removeEventListener("modelUpdated", whenLoaded); }
            };
            api.addEventListener("modelUpdated", whenLoaded);
        }
        return none;
    },
};
