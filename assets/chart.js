// The overview's chart is a picture drawn on the server (dashboard/web/components/svgcharts.py). Under a pointer it shows every
// line's value for the nearest week, from the figures the picture came with (its data-hover attribute): the same
// figures as the picture, hidden counts included as a dash.
(function () {
  var label = null;

  function hide() {
    if (label) { label.style.display = "none"; }
  }

  function figures(img) {
    var source = img.getAttribute("data-hover");
    if (img._mmcHoverSource !== source) {
      img._mmcHoverSource = source;
      img._mmcHover = source ? JSON.parse(source) : null;
    }
    return img._mmcHover;
  }

  function nearest(xs, x) {
    var best = 0;
    for (var i = 1; i < xs.length; i++) {
      if (Math.abs(xs[i] - x) < Math.abs(xs[best] - x)) { best = i; }
    }
    return best;
  }

  function show(img, event) {
    var data = figures(img);
    if (!data || !data.x.length || !img.naturalWidth) { return hide(); }
    // Where the picture is drawn inside the image's box (it keeps its proportions: object-fit: contain).
    var box = img.getBoundingClientRect();
    var scale = Math.min(box.width / img.naturalWidth, box.height / img.naturalHeight);
    var left = box.left + (box.width - img.naturalWidth * scale) / 2;
    var week = nearest(data.x, (event.clientX - left) / (img.naturalWidth * scale) * data.width);
    if (!label) {
      label = document.createElement("div");
      label.className = "mmc-chart-hover";
      label.setAttribute("role", "status");
      document.body.appendChild(label);
    }
    label.textContent = "";
    var title = document.createElement("div");
    title.className = "mmc-chart-hover-title";
    title.textContent = data.weeks[week];
    label.appendChild(title);
    data.lines.forEach(function (line) {
      var value = line.values[week];
      if (value === null || value === undefined) { return; }
      var row = document.createElement("div");
      var swatch = document.createElement("span");
      swatch.className = "mmc-chart-hover-swatch";
      swatch.style.background = line.colour;
      row.appendChild(swatch);
      row.appendChild(document.createTextNode(line.name + ": " + value));
      label.appendChild(row);
    });
    label.style.display = "block";
    var x = event.clientX + 14, y = event.clientY + 14;
    if (x + label.offsetWidth > window.innerWidth - 8) { x = event.clientX - 14 - label.offsetWidth; }
    if (y + label.offsetHeight > window.innerHeight - 8) { y = event.clientY - 14 - label.offsetHeight; }
    label.style.left = x + "px";
    label.style.top = y + "px";
  }

  document.addEventListener("pointermove", function (event) {
    var img = event.target && event.target.closest ? event.target.closest("img.mmc-chart-image[data-hover]") : null;
    if (img) { show(img, event); } else { hide(); }
  });
  document.addEventListener("pointerleave", hide);
})();
