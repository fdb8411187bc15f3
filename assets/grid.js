/* Functions the data grids call by name (dash-ag-grid looks them up here). */
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

/* "Days since last visit": a camp never visited sorts as the longest wait, and a closed camp (nobody left to reach)
   as the shortest, so that sorting descending puts the camps a team should go to first. */
dagfuncs.mmcNullsLargest = function (a, b, nodeA, nodeB) {
    function key(value, node) {
        if (node && node.data && node.data.status === "closed") { return -Infinity; }
        return value === null || value === undefined ? Infinity : value;
    }
    const x = key(a, nodeA);
    const y = key(b, nodeB);
    return x === y ? 0 : x < y ? -1 : 1;
};
